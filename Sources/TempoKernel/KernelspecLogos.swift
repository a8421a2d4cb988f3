import Foundation

/// Generated from kernelspec/tempo by `make logos`; a test checks they match.
enum KernelspecLogos {
  static let files: [(String, [UInt8])] = [
    (
      "logo-32x32.png",
      decode(
        """
        iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAABmJLR0QA/wD/AP+gvaeTAAACgUlEQVRYhe2WvU9TURjGf+dS
        5EOgErEgYqQRIUJjTDSS6GAiE6Gj8AdUV4gkMrjQuzmYGGJXcTBxMEGX4gROxK9EE0MEYymk6oAtEkJbkd5+HIdertJrW7UF
        Nemznfd9znl+5z13uPCXJTILJ9QbtiSWISnpQ3AMyd4CE76A8AmZelQmkp5ZdSSUFaBzdKwfRY4jqS0oNDtMRIBrTh2eMAF0
        jo71g7yPME+lqJJIoTCwBSEgPfYEFv+O3dyssKaVtfmvD60oAEksQ7sYDlBXXpEcBLAASHBmOs6323E7e2isqykoKRiO4vZO
        M7MQ2FYXCCcwqpAmOJq5sRjhAI11NajOnp90ZBuAoq8KT/pd6U+uZOu7vdMEw9GCcz6tR3B7H2ftW7I1ZhYCXLh5O+vGOfXK
        tnWXOvYHeDkmsFsqAZQASgAlgP8DwFpVSVezzVhX7yk3eap+qHU127BWVRYPwN5QT6+jwzj00rnTJo/r7CkA9lVX0uvowN5Q
        XzwAf2gVKcFxqBGA4wdtJk+nXnM0NyFles+vAwgiuUzRmIYvuEJ362GarLXML4dMnvnlEE3WWs7YW3gXXCEa0/Jlh78DSBbz
        uafe+onEYnS3tjD+5CXPlz4avWdLH7jz9BXdrS1ENmNMzfvzHQdCLIL+PyCQkxJxMpd/M57g3ovXAHzV4ly++4Aj+9Pv/H51
        DalDAsQSifwAMuUFfQJlIunJ9wwAG1qcDS2e3g8EVtcI6OGZ/VwSgvWESHkMgFl1JCTAhTTO2jlJpACXT7362QAAmFOHJ4TC
        APrHsRMSgnVF4eIbdfihUcs0tV27daC8IjkoJH1AO4X/MUcBH8jJhEh5tm7+z+gbhl7aGMvCsfwAAAAASUVORK5CYII=
        """)
    ),
    (
      "logo-64x64.png",
      decode(
        """
        iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAAABmJLR0QA/wD/AP+gvaeTAAAFbElEQVR4nO2bW2wUZRTH/2dm
        uV9KLZS2rO2S2otbJAEsIcglXqAmJDaQoFEfjD75orI1MSQudUL7ZEIKGBNeRWJMFJI+mAAhkAJVkASIsL0p3UIvtLa10Bah
        m84cH9qdznZ3u7PL7HyA83ua73LO95//zu7M5jsDOPy/IfNTmUr3HV5LslYJxmaJkMuAG4wF6ZNnAsIDMHUyuJfA55movlnx
        XTUfnhAmr1K3G0w1AIofQ6ptEKEVgD+g7DkOEM84d6bBVf7DhZqs/gBgvZUC7YMuqar8XmvtJ8G4M+INlCmHNjFrxwFkp0Wb
        XRAGCXg7oPjOxh6OQVn1gVdZkk6BMSu96mwjpGm8vaWmqmH6QJQBJf5vVrpc45eZscwebTZBGCTwhoBS9ZexW4qcxSTL4z8+
        cycPAIwsgI4CHPGhy8bGi9WZ7xDhM3uV2crz2Vsv3+hvONkc7jBcAUxEvF+EKjthQq2xrRuwSqlbh6fkPv94cKl334E14ZZL
        72ZUmk2Rk7EIeyu2YmNhPhbMmW21wqR4MBbCpWAn6s5cRHBgyFyQLFUCuAYYDNBAm8w8F+dkLMKJj99Hxry5qei1nAVzZuP1
        0kKUF7ix88gx9N4fSRzE2Bw+1L8CRFhhZsG9FVufmJM3snjeHHyxfYupucZznfoRZOSaCd5YmJ+sNtt45YUCU/OYYxkALLRa
        kN0wz/i/x4h+rtJMs2JxKdiZbIhtNN66nXRM0gbUnbmI4YdjSS+Ubu79+whfnzqfdFzSBgQHhrDzyDGcCvyJ0bFQ0gtazehY
        CCcDbdh15Bj6hkeTjnclnhJN7/0RVP30SyqhCCh7ZhwvUw6mlDdVkr4CnjUcA0QLEI1jgGgBonEMEC1ANI4BogWIxjFAtADR
        OAaIFiAaxwDRAkTjGCBagGgcA0QLEI1jgGgBonEMsDLZlqKVqHpjE7YUrYw5vq4g8f7rmvy8lHKniqUGrM3PgywRyj1uzJ0V
        ueXgkiXUVm5LmKO2chtkKVLW3FkulHvckCXC2jgGpYqlBvSPPphISkD+c0sixtZ73FF9sfBkZaLcE3mlFGRlQqLINazCUgOM
        FRqr3TkRY6U55gvPSnMiazNXr5jKFRz4J0V1sbHUgJs9vdAmd6g9WZnIzVikj2mmd64jt7nzlixGQdYSPceN7j5LtIaZMoBg
        orZkZoYfjqG1r38yHVBRVqx/n9sm+80QzuGSJVR4i/Rqzta+fow8smRnejh8YKwQuWtF5oa2IEKqCgBYtnA+drxUAiLgcrAL
        twfvJYwPDgzhSkc3iIAdq0qwdOF8AEBIVdHQFrfmOUmoJ3xkuAKo24rUI4/GcK61XW+XLF8Kb242VE2Dv/40QuNq3NjQuAp/
        /WmomgZvbjaKly/Vx862tFv16QPgGAawdsGi7PijqxdXbkf7efVODz46ehwdg9HlbMGBIXz43c+43hl9If7e0YUb3b1WyQMR
        6UXTU3WCRPXEqLZqkYa2dvSPTBQsNN39W++/dqcHb337PdZ73Cia/ITb+vpxpaMbqqbp84wxxmNLUNX68KGhNJCpTDnYzIwS
        a1d7wiA0Nyk+b7hpuA0SA/ALkGQrrPGXxva04lAm71eHfgV4g52ibIPQ2KTs2Wx8j2jagxCxRvwuEczftJ8WCIPSuPzB9Jeo
        op4EWxRfh6rybgDiS8CsIwSVd96s/fTW9IGYj8ItNVUNpOE1ABb//AqAMEisvdlUUxXzNh/3v0Cgxteoqq4NRPgtferSDKFR
        A14O7P/8XPwpCWEqqz60a+JNCy61Ul/aIDRLgP+m4juReGoSePcdWANZqpyot6c8gN0QX2Q9ClAXwD1gnCcJ9QHFd12wJoen
        hv8AY5Wp8qsApQMAAAAASUVORK5CYII=
        """)
    ),
    (
      "logo-svg.svg",
      decode(
        """
        PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI2NCIgaGVpZ2h0PSI2NCIgdmlld0JveD0i
        MCAwIDY0IDY0Ij4KICA8dGl0bGU+VGVtcG88L3RpdGxlPgogIDwhLS0gVGVtcG8gbG9nbzogYSB3aGl0ZSAiVCIgd2hvc2Ug
        c3RlbSBpcyBhIG1ldHJvbm9tZSBwZW5kdWx1bSwgb24gYSBjYWxtIHRlYWwgcm91bmRlZCBzcXVhcmUuIC0tPgogIDxyZWN0
        IHg9IjIiIHk9IjIiIHdpZHRoPSI2MCIgaGVpZ2h0PSI2MCIgcng9IjE0IiByeT0iMTQiIGZpbGw9IiMyQTdGOEYiLz4KICA8
        cGF0aCBkPSJNMTYgMTIgSDQ4IEE0IDQgMCAwIDEgNDggMjAgSDE2IEE0IDQgMCAwIDEgMTYgMTIgWiIgZmlsbD0iI0ZGRkZG
        RiIvPgogIDxwYXRoIGQ9Ik0yOCAxNiBIMzYgVjQ2IEgyOCBaIiBmaWxsPSIjRkZGRkZGIi8+CiAgPGNpcmNsZSBjeD0iMzIi
        IGN5PSI0NyIgcj0iNS41IiBmaWxsPSIjRkZGRkZGIi8+CiAgPHBhdGggZD0iTTIwLjUgNDQuNSBBMTIuNSAxMi41IDAgMCAw
        IDI0IDUxIiBmaWxsPSJub25lIiBzdHJva2U9IiNGRkZGRkYiIHN0cm9rZS1vcGFjaXR5PSIwLjU1IiBzdHJva2Utd2lkdGg9
        IjMiIHN0cm9rZS1saW5lY2FwPSJyb3VuZCIvPgogIDxwYXRoIGQ9Ik00My41IDQ0LjUgQTEyLjUgMTIuNSAwIDAgMSA0MCA1
        MSIgZmlsbD0ibm9uZSIgc3Ryb2tlPSIjRkZGRkZGIiBzdHJva2Utb3BhY2l0eT0iMC41NSIgc3Ryb2tlLXdpZHRoPSIzIiBz
        dHJva2UtbGluZWNhcD0icm91bmQiLz4KPC9zdmc+Cg==
        """)
    ),
  ]

  private static func decode(_ base64: String) -> [UInt8] {
    [UInt8](Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data())
  }
}
