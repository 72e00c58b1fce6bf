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
}
