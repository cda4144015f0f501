/// Reverse-mode automatic differentiation over `CalmTensor`.
public enum CalmAutograd {}
