/// How often each n-gram of order 1...maxOrder occurs in a token sequence; an n-gram's
/// order is its element count.
func ngramCounts(_ tokens: [String], maxOrder: Int) -> [[String]: Int] {
    var counts: [[String]: Int] = [:]
    for order in 1...maxOrder where order <= tokens.count {
        for start in 0...(tokens.count - order) {
            counts[Array(tokens[start..<(start + order)]), default: 0] += 1
        }
    }
    return counts
}
