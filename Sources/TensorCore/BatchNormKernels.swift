/// The per-channel loops of batch normalisation, in eight Float lanes, with the channels split
/// over the engine's threads.
///
/// One channel is done whole (statistics, then normalising) before the next, so its `N` planes
/// are read again from cache rather than memory. Sums run in Float lanes within one plane (at
/// most a few hundred values per lane) and in Double across planes: as accurate as a Double per
/// element for the sizes of a CNN, at the speed of SIMD. The scalar loops these replace,
/// accumulating every element in Double, took 16 % of a ResNet-20 training step.
enum BatchNormKernels {
  /// The layout of `[N, C]` (spatial 1) or `[N, C, H, W]` (spatial `H·W`): plane `(n, c)` starts
  /// at `(n·C + c)·spatial`.
  struct Planes {
    let batch: Int
    let channels: Int
    let spatial: Int

    var groupSize: Int { batch * spatial }

    @inline(__always)
    func offset(_ image: Int, _ channel: Int) -> Int { (image * channels + channel) * spatial }
  }

  /// The mean and biased variance of every channel of `x` (two passes: the mean, then the
  /// centred squares), written to `mean` and `variance`.
  static func statistics(
    _ x: UnsafePointer<Float>, _ planes: Planes, mean: UnsafeMutablePointer<Float>,
    variance: UnsafeMutablePointer<Float>
  ) {
    let groupSize = Double(planes.groupSize)
    ImageParallel.forEachShare(of: planes.channels) { _, channels in
      for channel in channels {
        var total = 0.0
        for image in 0..<planes.batch {
          total += Double(VectorMath.sum(x + planes.offset(image, channel), planes.spatial))
        }
        let channelMean = total / groupSize
        var squares = 0.0
        for image in 0..<planes.batch {
          squares += centeredSquares(x + planes.offset(image, channel), planes.spatial, around: channelMean)
        }
        mean[channel] = Float(channelMean)
        variance[channel] = Float(squares / groupSize)
      }
    }
  }

  /// `normalized = (x − mean) · inverse` and `output = normalized · scale + shift`, per channel;
  /// when `rectified`, the output goes through a ReLU in the same pass.
  static func normalize(
    _ x: UnsafePointer<Float>, _ planes: Planes, mean: UnsafePointer<Float>, inverse: UnsafePointer<Float>,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, rectified: Bool, normalized: UnsafeMutablePointer<Float>,
    output: UnsafeMutablePointer<Float>
  ) {
    ImageParallel.forEachShare(of: planes.channels) { _, channels in
      for channel in channels {
        let (m, d, gamma, beta) = (mean[channel], inverse[channel], scale[channel], shift[channel])
        for image in 0..<planes.batch {
          let offset = planes.offset(image, channel)
          normalizePlane(
            x + offset, normalized + offset, output + offset, planes.spatial, mean: m, inverse: d, scale: gamma,
            shift: beta, rectified: rectified)
        }
      }
    }
  }

  /// The gradients of batch normalisation: `scaleGradient[c] = Σ g·x̂`, `shiftGradient[c] = Σ g`
  /// and the input gradient `factor · (g − Σg / M − x̂ · Σg·x̂ / M)` with `factor = γ · inverse`
  /// and `M` the group size (or `factor · g` with running statistics, which do not depend on
  /// the input). When `rectified` (the forward ended in a ReLU), `g` first loses the entries
  /// whose output `x̂ · γ + β` was not positive: the forward's own arithmetic, so the same
  /// entries; the masked gradient is kept in `input`, which the last pass overwrites in place.
  static func gradients(
    _ outputGradient: UnsafePointer<Float>, normalized xhat: UnsafePointer<Float>, _ planes: Planes,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, inverse: UnsafePointer<Float>,
    usingBatchStatistics: Bool, rectified: Bool, input: UnsafeMutablePointer<Float>,
    scaleGradient: UnsafeMutablePointer<Float>, shiftGradient: UnsafeMutablePointer<Float>
  ) {
    let groupSize = Float(planes.groupSize)
    let g = rectified ? UnsafePointer(input) : outputGradient
    ImageParallel.forEachShare(of: planes.channels) { _, channels in
      for channel in channels {
        if rectified {
          for image in 0..<planes.batch {
            let offset = planes.offset(image, channel)
            maskPlane(
              outputGradient + offset, xhat + offset, input + offset, planes.spatial, scale: scale[channel],
              shift: shift[channel])
          }
        }
        var sumG = 0.0
        var sumGX = 0.0
        for image in 0..<planes.batch {
          let offset = planes.offset(image, channel)
          let (plain, product) = gradientSums(g + offset, xhat + offset, planes.spatial)
          sumG += plain
          sumGX += product
        }
        let (sumGFloat, sumGXFloat) = (Float(sumG), Float(sumGX))
        scaleGradient[channel] = sumGXFloat
        shiftGradient[channel] = sumGFloat
        let factor = scale[channel] * inverse[channel]
        for image in 0..<planes.batch {
          let offset = planes.offset(image, channel)
          if usingBatchStatistics {
            inputGradientPlane(
              g + offset, xhat + offset, input + offset, planes.spatial, factor: factor, meanG: sumGFloat / groupSize,
              meanGX: sumGXFloat / groupSize)
          } else {
            for index in 0..<planes.spatial { input[offset + index] = factor * g[offset + index] }
          }
        }
      }
    }
  }

  // MARK: - One plane

  private static func centeredSquares(_ x: UnsafePointer<Float>, _ count: Int, around mean: Double) -> Double {
    let center = Float(mean)
    let raw = UnsafeRawPointer(x)
    var lanes = SIMD8<Float>(repeating: 0)
    let centers = SIMD8<Float>(repeating: center)
    var index = 0
    while index + 8 <= count {
      let centered = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self) - centers
      lanes += centered * centered
      index += 8
    }
    var total = Double(lanes.sum())
    while index < count {
      let centered = Double(x[index]) - mean
      total += centered * centered
      index += 1
    }
    return total
  }

  @inline(__always)
  private static func normalizePlane(
    _ x: UnsafePointer<Float>, _ normalized: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    _ count: Int, mean: Float, inverse: Float, scale: Float, shift: Float, rectified: Bool
  ) {
    let raw = UnsafeRawPointer(x)
    let (normalizedRaw, outputRaw) = (UnsafeMutableRawPointer(normalized), UnsafeMutableRawPointer(output))
    let (m, d) = (SIMD8<Float>(repeating: mean), SIMD8<Float>(repeating: inverse))
    let (gamma, beta) = (SIMD8<Float>(repeating: scale), SIMD8<Float>(repeating: shift))
    let zero = SIMD8<Float>(repeating: 0)
    var index = 0
    while index + 8 <= count {
      let value = (raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self) - m) * d
      normalizedRaw.storeBytes(of: value, toByteOffset: index * 4, as: SIMD8<Float>.self)
      let result = value * gamma + beta
      // `relu`'s rule, x > 0 ? x : 0, so a NaN becomes 0 as it does there.
      let kept = rectified ? zero.replacing(with: result, where: result .> zero) : result
      outputRaw.storeBytes(of: kept, toByteOffset: index * 4, as: SIMD8<Float>.self)
      index += 8
    }
    while index < count {
      let value = (x[index] - mean) * inverse
      normalized[index] = value
      let result = value * scale + shift
      output[index] = !rectified || result > 0 ? result : 0
      index += 1
    }
  }

  /// `masked = x̂ · γ + β > 0 ? g : 0`, ReLU's gradient through the fused output.
  @inline(__always)
  private static func maskPlane(
    _ g: UnsafePointer<Float>, _ xhat: UnsafePointer<Float>, _ masked: UnsafeMutablePointer<Float>, _ count: Int,
    scale: Float, shift: Float
  ) {
    let (gRaw, xRaw, maskedRaw) = (UnsafeRawPointer(g), UnsafeRawPointer(xhat), UnsafeMutableRawPointer(masked))
    let (gamma, beta, zero) = (SIMD8<Float>(repeating: scale), SIMD8<Float>(repeating: shift), SIMD8<Float>())
    var index = 0
    while index + 8 <= count {
      let output = xRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self) * gamma + beta
      let gradient = gRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      maskedRaw.storeBytes(
        of: zero.replacing(with: gradient, where: output .> zero), toByteOffset: index * 4, as: SIMD8<Float>.self)
      index += 8
    }
    while index < count {
      masked[index] = xhat[index] * scale + shift > 0 ? g[index] : 0
      index += 1
    }
  }

  private static func gradientSums(
    _ g: UnsafePointer<Float>, _ xhat: UnsafePointer<Float>, _ count: Int
  ) -> (Double, Double) {
    let (gRaw, xRaw) = (UnsafeRawPointer(g), UnsafeRawPointer(xhat))
    var plain = SIMD8<Float>(repeating: 0)
    var product = SIMD8<Float>(repeating: 0)
    var index = 0
    while index + 8 <= count {
      let gradient = gRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      plain += gradient
      product += gradient * xRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      index += 8
    }
    var (plainTotal, productTotal) = (Double(plain.sum()), Double(product.sum()))
    while index < count {
      plainTotal += Double(g[index])
      productTotal += Double(g[index]) * Double(xhat[index])
      index += 1
    }
    return (plainTotal, productTotal)
  }

  @inline(__always)
  private static func inputGradientPlane(
    _ g: UnsafePointer<Float>, _ xhat: UnsafePointer<Float>, _ input: UnsafeMutablePointer<Float>, _ count: Int,
    factor: Float, meanG: Float, meanGX: Float
  ) {
    let (gRaw, xRaw, inputRaw) = (UnsafeRawPointer(g), UnsafeRawPointer(xhat), UnsafeMutableRawPointer(input))
    let (f, a, b) = (SIMD8<Float>(repeating: factor), SIMD8<Float>(repeating: meanG), SIMD8<Float>(repeating: meanGX))
    var index = 0
    while index + 8 <= count {
      let gradient = gRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      let normalized = xRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      inputRaw.storeBytes(of: f * (gradient - a - normalized * b), toByteOffset: index * 4, as: SIMD8<Float>.self)
      index += 8
    }
    while index < count {
      input[index] = factor * (g[index] - meanG - xhat[index] * meanGX)
      index += 1
    }
  }
}
