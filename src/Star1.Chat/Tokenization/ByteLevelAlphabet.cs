namespace Star1.Chat.Tokenization;

/// <summary>
/// The byte-to-character table of byte-level BPE (GPT-2, Qwen, Llama 3): every byte is shown as one printable
/// character, so a vocabulary of strings covers all 256 bytes and any UTF-8 text can be encoded. Printable
/// Latin-1 bytes stand for themselves; the others (controls, space, 127-160, 173) take the characters from
/// U+0100 upwards in byte order, which is why a space is 'Ġ' (U+0120) and a newline 'Ċ' (U+010A).
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] CharOfByte = Build();

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, one alphabet character each.</summary>
    public static string Map(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) chars[i] = CharOfByte[bytes[i]];
        return new string(chars);
    }
}
