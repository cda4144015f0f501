import Foundation

/// The twiddle factors `exp(−2πik/n)`, k < n/2, of one transform length.
struct Twiddles {
    let cos: [Double], sin: [Double]

    init(count n: Int) {
        cos = (0..<(n / 2)).map { Foundation.cos(2 * Double.pi * Double($0) / Double(n)) }
        sin = (0..<(n / 2)).map { -Foundation.sin(2 * Double.pi * Double($0) / Double(n)) }
    }
}

/// In-place iterative radix-2 Cooley–Tukey FFT over split real/imaginary arrays.
/// `count` must be a power of two; `inverse` uses the conjugate twiddles and scales by 1/n.
func fft(_ re: inout [Double], _ im: inout [Double], inverse: Bool = false, twiddles: Twiddles? = nil) {
    let n = re.count
    precondition(n > 0 && n & (n - 1) == 0, "fft: length \(n) is not a power of two")
    let twiddles = twiddles ?? Twiddles(count: n)
    let sign: Double = inverse ? -1 : 1
    // Bit-reversal permutation.
    var j = 0
    for i in 1..<max(n, 1) {
        var bit = n >> 1
        while j & bit != 0 { j ^= bit; bit >>= 1 }
        j |= bit
        if i < j { re.swapAt(i, j); im.swapAt(i, j) }
    }
    var length = 2
    while length <= n {
        let step = n / length
        for start in stride(from: 0, to: n, by: length) {
            for k in 0..<(length / 2) {
                let wr = twiddles.cos[k * step], wi = sign * twiddles.sin[k * step]
                let a = start + k, b = a + length / 2
                let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                re[b] = re[a] - tr; im[b] = im[a] - ti
                re[a] += tr; im[a] += ti
            }
        }
        length <<= 1
    }
    if inverse {
        let scale = 1 / Double(n)
        for i in 0..<n { re[i] *= scale; im[i] *= scale }
    }
}

/// 2-D FFT of a row-major `size`×`size` complex array: rows, then columns.
func fft2D(_ re: inout [Double], _ im: inout [Double], size: Int, inverse: Bool = false) {
    var rowRe = [Double](repeating: 0, count: size), rowIm = rowRe
    let twiddles = Twiddles(count: size)
    for pass in 0..<2 {
        for line in 0..<size {
            // Pass 0 walks rows, pass 1 columns.
            let index = { (k: Int) in pass == 0 ? line * size + k : k * size + line }
            for k in 0..<size { rowRe[k] = re[index(k)]; rowIm[k] = im[index(k)] }
            fft(&rowRe, &rowIm, inverse: inverse, twiddles: twiddles)
            for k in 0..<size { re[index(k)] = rowRe[k]; im[index(k)] = rowIm[k] }
        }
    }
}
