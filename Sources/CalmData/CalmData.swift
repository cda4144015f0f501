/// Shards, streaming readers, instruction sets and dataset converters.
public enum CalmData {}
