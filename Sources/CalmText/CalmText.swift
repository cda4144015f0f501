/// Tokenizers (byte-level BPE from tokenizer.json, GGUF, or trained here), calm's special
/// tokens, chat templates and loss masks.
public enum CalmText {}
