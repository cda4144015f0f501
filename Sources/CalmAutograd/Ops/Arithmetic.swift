import CalmTensor

// Broadcasting arithmetic. Backward sums each gradient back over the dimensions its
// input was broadcast along.

/// a + b
public struct AddOp: Op {
    public static let name = "add"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0] + x[1], ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [c.needsGrad[0] ? g.sum(toShape: c.inputs[0].shape) : nil,
         c.needsGrad[1] ? g.sum(toShape: c.inputs[1].shape) : nil]
    }
}

/// a - b
public struct SubOp: Op {
    public static let name = "sub"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0] - x[1], ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [c.needsGrad[0] ? g.sum(toShape: c.inputs[0].shape) : nil,
         c.needsGrad[1] ? (-g).sum(toShape: c.inputs[1].shape) : nil]
    }
}

/// a * b
public struct MulOp: Op {
    public static let name = "mul"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0] * x[1], ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [c.needsGrad[0] ? (g * c.inputs[1]).sum(toShape: c.inputs[0].shape) : nil,
         c.needsGrad[1] ? (g * c.inputs[0]).sum(toShape: c.inputs[1].shape) : nil]
    }
}

/// a / b
public struct DivOp: Op {
    public static let name = "div"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0] / x[1], ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        // d(a/b)/db = -(a/b)/b = -output/b
        [c.needsGrad[0] ? (g / c.inputs[1]).sum(toShape: c.inputs[0].shape) : nil,
         c.needsGrad[1] ? (-(g * c.output / c.inputs[1])).sum(toShape: c.inputs[1].shape) : nil]
    }
}

/// -x
public struct NegOp: Op {
    public static let name = "neg"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (-x[0], ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [-g] }
}

/// x * scale + shift, for scalar constants (what `x + 2`, `x * 0.5` and `x / 4` record).
public struct AffineOp: Op {
    public static let name = "affine"
    public let scale: Double, shift: Double
    public init(scale: Double, shift: Double) { self.scale = scale; self.shift = shift }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].unary(.affine(scale: scale, shift: shift)), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g * scale] }
}

extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable { AddOp().apply(a, b) }
    public static func - (a: Variable, b: Variable) -> Variable { SubOp().apply(a, b) }
    public static func * (a: Variable, b: Variable) -> Variable { MulOp().apply(a, b) }
    public static func / (a: Variable, b: Variable) -> Variable { DivOp().apply(a, b) }
    public static prefix func - (a: Variable) -> Variable { NegOp().apply(a) }
    public static func + (a: Variable, s: Double) -> Variable { AffineOp(scale: 1, shift: s).apply(a) }
    public static func - (a: Variable, s: Double) -> Variable { AffineOp(scale: 1, shift: -s).apply(a) }
    public static func * (a: Variable, s: Double) -> Variable { AffineOp(scale: s, shift: 0).apply(a) }
    public static func / (a: Variable, s: Double) -> Variable { AffineOp(scale: 1 / s, shift: 0).apply(a) }
    public static func * (s: Double, a: Variable) -> Variable { a * s }
}
