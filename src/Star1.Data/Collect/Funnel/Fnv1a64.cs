using System.Runtime.InteropServices;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// 64-bit FNV-1a. Used where a fast, stable (run-to-run and machine-to-machine) hash is needed: n-gram keys,
/// the hashing stand-in embedder, and record checksums in the embedding cache. Not a security hash.
/// </summary>
internal static class Fnv1a64
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = Offset)
    {
        ulong h = seed;
        foreach (byte b in data)
        {
            h ^= b;
            h *= Prime;
        }
        return h;
    }

    /// <summary>Hashes the UTF-16 code units of <paramref name="text"/> (both bytes of each unit).</summary>
    public static ulong Hash(ReadOnlySpan<char> text, ulong seed = Offset) =>
        Hash(MemoryMarshal.AsBytes(text), seed);
}
