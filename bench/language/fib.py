# Recursive Fibonacci of 25 (the same program as fib.tempo).
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(25))
