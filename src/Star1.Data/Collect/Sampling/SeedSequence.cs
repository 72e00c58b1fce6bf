namespace Star1.Data.Collect.Sampling;

/// <summary>
/// NumPy's <c>SeedSequence</c> for a single non-negative integer seed and the default pool of four
/// 32-bit words. It turns the user's seed into the 256 bits that initialise PCG64, so reproducing it
/// bit for bit is what makes <c>default_rng(seed)</c> reproducible outside Python.
/// All arithmetic is modulo 2^32, as in NumPy (uint32 wrap-around is the point, not an accident).
/// </summary>
internal static class SeedSequence
{
    private const uint InitA = 0x43b0d7e5;
    private const uint MultA = 0x931e8875;
    private const uint InitB = 0x8b51f9dd;
    private const uint MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd;
    private const uint MixMultR = 0x4973f715;
    private const int XShift = 16;
    private const int PoolSize = 4;

    /// <summary>The four 64-bit words NumPy's PCG64 is seeded with (<c>generate_state(4, uint64)</c>).</summary>
    public static ulong[] GenerateState64(ulong seed, int words64 = 4)
    {
        var pool = MixEntropy(EntropyWords(seed));
        var words32 = new uint[words64 * 2];
        uint hashConst = InitB;
        for (int i = 0; i < words32.Length; i++)
        {
            uint value = pool[i % PoolSize];
            value ^= hashConst;
            hashConst = unchecked(hashConst * MultB);
            value = unchecked(value * hashConst);
            value ^= value >> XShift;
            words32[i] = value;
        }

        // NumPy views the uint32 array as uint64 on a little-endian machine: low word first.
        var result = new ulong[words64];
        for (int i = 0; i < words64; i++)
            result[i] = words32[2 * i] | ((ulong)words32[2 * i + 1] << 32);
        return result;
    }

    /// <summary>The seed as little-endian 32-bit words; zero is one word [0], as in NumPy.</summary>
    private static uint[] EntropyWords(ulong seed)
    {
        if (seed <= uint.MaxValue) return [(uint)seed];
        return [(uint)seed, (uint)(seed >> 32)];
    }

    private static uint[] MixEntropy(uint[] entropy)
    {
        var pool = new uint[PoolSize];
        uint hashConst = InitA;

        uint HashMix(uint value)
        {
            value ^= hashConst;
            hashConst = unchecked(hashConst * MultA);
            value = unchecked(value * hashConst);
            value ^= value >> XShift;
            return value;
        }

        static uint Mix(uint x, uint y)
        {
            uint result = unchecked(MixMultL * x - MixMultR * y);
            return result ^ (result >> XShift);
        }

        for (int i = 0; i < PoolSize; i++)
            pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0u);

        for (int src = 0; src < PoolSize; src++)
            for (int dst = 0; dst < PoolSize; dst++)
                if (src != dst)
                    pool[dst] = Mix(pool[dst], HashMix(pool[src]));

        // Entropy longer than the pool is folded in afterwards (only seeds >= 2^128 would need it;
        // a ulong seed has at most two words, so this loop never runs but keeps the algorithm whole).
        for (int src = PoolSize; src < entropy.Length; src++)
            for (int dst = 0; dst < PoolSize; dst++)
                pool[dst] = Mix(pool[dst], HashMix(entropy[src]));

        return pool;
    }
}
