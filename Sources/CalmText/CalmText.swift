/// Tokenizers, chat templates and loss masks.
public enum CalmText {}
