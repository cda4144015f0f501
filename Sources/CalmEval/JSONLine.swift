/// One flat JSON object of numbers on one line, keys in the given order. Non-finite values
/// (an undefined correlation) are written as `null`, since JSON has no NaN.
func jsonLine(_ fields: [(key: String, value: Double)]) -> String {
    let members = fields.map { "\"\($0.key)\": " + ($0.value.isFinite ? "\($0.value)" : "null") }
    return "{" + members.joined(separator: ", ") + "}"
}
