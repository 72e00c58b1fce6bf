using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Source files must be UTF-8. A lenient decoder turns a Latin-1 or Windows-1252 byte into U+FFFD without
/// a word, which then changes n-grams, TF-IDF terms and embeddings and ends up in the collected questions;
/// so readers decode strictly and stop, naming the line of the first bad byte. A UTF-8 byte order mark is
/// fine (it is valid UTF-8 and the readers skip it).
/// </summary>
internal static class StrictUtf8
{
    /// <summary>Throws <see cref="DecoderFallbackException"/> on invalid bytes instead of substituting U+FFFD.
    /// Its preamble is the BOM, which is how <see cref="StreamReader"/> knows to skip one.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>A reader of <paramref name="file"/> that refuses invalid UTF-8 and skips a UTF-8 BOM. BOM
    /// detection stays off: on finding a BOM it would swap in the lenient <see cref="System.Text.Encoding.UTF8"/>.</summary>
    public static StreamReader OpenReader(FileContext file, int bufferSize = 1 << 16) =>
        new(file.FullPath, Encoding, detectEncodingFromByteOrderMarks: false, bufferSize);

    /// <summary>
    /// The error for a file found to hold invalid UTF-8. The decoder that noticed works on whole buffers, so
    /// the file is scanned again from the start to report the exact line and byte of the first bad sequence.
    /// </summary>
    public static SourceDataException Fail(FileContext file, Exception inner)
    {
        var found = FindFirstInvalid(file.FullPath);
        if (found is not { } at)
            return file.Fail("", "is not valid UTF-8; save it as UTF-8", inner);
        return file.Fail($"line {at.Line}, byte {at.Column}",
            $"is not valid UTF-8 (bytes {at.Bytes} at file offset {at.Offset}); save the file as UTF-8", inner);
    }

    /// <summary>The first invalid UTF-8 sequence: 1-based line and byte in that line, file offset, and the bytes in hex.</summary>
    internal static (long Line, long Column, long Offset, string Bytes)? FindFirstInvalid(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        var chars = new char[buffer.Length];
        long offset = 0, line = 1, lineStart = 0;
        int carried = 0;
        while (true)
        {
            int read = stream.Read(buffer, carried, buffer.Length - carried);
            int length = carried + read;
            bool final = read == 0;
            if (length == 0) return null;
            var bytes = buffer.AsSpan(0, length);
            var status = Utf8.ToUtf16(bytes, chars, out int consumed, out _, replaceInvalidSequences: false, isFinalBlock: final);

            var good = bytes[..consumed];
            for (int i = good.IndexOf((byte)'\n'); i >= 0; i = NextNewline(good, i))
            {
                line++;
                lineStart = offset + i + 1;
            }
            if (status == OperationStatus.InvalidData)
            {
                long at = offset + consumed;
                var bad = bytes[consumed..Math.Min(length, consumed + 4)];
                return (line, at - lineStart + 1, at, Convert.ToHexString(bad[..BadLength(bad)]));
            }
            if (final) return null;
            // An incomplete sequence at the end of the buffer waits for the next read.
            carried = length - consumed;
            bytes[consumed..].CopyTo(buffer);
            offset += consumed;
        }
    }

    private static int NextNewline(ReadOnlySpan<byte> span, int after)
    {
        int next = span[(after + 1)..].IndexOf((byte)'\n');
        return next < 0 ? -1 : after + 1 + next;
    }

    /// <summary>How many bytes make up the bad sequence, for the message (at least one).</summary>
    private static int BadLength(ReadOnlySpan<byte> bad)
    {
        System.Text.Rune.DecodeFromUtf8(bad, out _, out int consumed);
        return Math.Clamp(consumed, 1, bad.Length);
    }
}
