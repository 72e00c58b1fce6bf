using System.Security.Cryptography;
using System.Text;

namespace Star1.Pipeline.Hashing;

/// <summary>SHA-256 content hashes as lower-case hex: the one hash the lock, the cache and fingerprints use.</summary>
public static class ContentHash
{
    public static string OfBytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string OfString(string text) => OfBytes(Encoding.UTF8.GetBytes(text));

    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Whether a text is a hash as written here (64 lower-case hex digits): what may name a cache file.</summary>
    public static bool IsSha256Hex(string text) => text.Length == 64 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
