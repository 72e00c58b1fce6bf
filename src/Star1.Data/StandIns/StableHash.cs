using Star1.Data.Collect.Funnel;

namespace Star1.Data.StandIns;

/// <summary>
/// The stand-ins' only source of variation: a 64-bit FNV-1a of the text they answer, so the same prompt gets
/// the same answer on every machine and run, and different questions get different ones.
/// </summary>
internal static class StableHash
{
    public static ulong Of(string text, string salt = "") => Fnv1a64.Hash(text.AsSpan(), Fnv1a64.Hash(salt.AsSpan()));

    /// <summary>A bucket 0..99 for "some traces are imperfect on purpose" decisions.</summary>
    public static int Percent(string text, string salt) => (int)(Of(text, salt) % 100);
}
