import CalmText

/// CalmText's chat turn (role and content); CalmData has a `Turn` of its own, and the module
/// `CalmText` has a type `CalmText` that hides the qualified name.
typealias ChatTurn = Turn
