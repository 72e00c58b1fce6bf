namespace Star1.Data.Collect.Sampling;

/// <summary>
/// NumPy's PCG64 bit generator (PCG XSL-RR 128/64), seeded the way <c>np.random.default_rng(seed)</c>
/// seeds it. Only what a permutation needs: 64-bit and buffered 32-bit draws.
/// </summary>
internal sealed class Pcg64
{
    private static readonly UInt128 Multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);

    private UInt128 _state;
    private readonly UInt128 _increment;
    // NumPy hands out the upper half of a 64-bit draw as the next 32-bit draw; keeping the same
    // buffer is required for bounded draws to consume the stream exactly as NumPy does.
    private bool _hasBuffered32;
    private uint _buffered32;

    private Pcg64(UInt128 initState, UInt128 initSeq)
    {
        _increment = (initSeq << 1) | 1;
        _state = 0;
        Step();
        _state += initState;
        Step();
    }

    /// <summary>The generator <c>np.random.default_rng(seed)</c> builds.</summary>
    public static Pcg64 FromSeed(ulong seed)
    {
        var words = SeedSequence.GenerateState64(seed);
        return new Pcg64(new UInt128(words[0], words[1]), new UInt128(words[2], words[3]));
    }

    private void Step() => _state = unchecked(_state * Multiplier + _increment);

    public ulong NextUInt64()
    {
        Step();
        ulong hi = (ulong)(_state >> 64);
        ulong lo = (ulong)_state;
        int rot = (int)(hi >> 58);
        return ulong.RotateRight(hi ^ lo, rot);
    }

    public uint NextUInt32()
    {
        if (_hasBuffered32)
        {
            _hasBuffered32 = false;
            return _buffered32;
        }
        ulong next = NextUInt64();
        _hasBuffered32 = true;
        _buffered32 = (uint)(next >> 32);
        return (uint)next;
    }

    /// <summary>
    /// A uniform integer in [0, max] by masked rejection: NumPy's <c>random_interval</c>, which
    /// <c>shuffle</c> uses (not Lemire's method that <c>integers</c> uses; the two draw differently).
    /// </summary>
    public ulong RandomInterval(ulong max)
    {
        if (max == 0) return 0;
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;

        ulong value;
        if (max <= uint.MaxValue)
        {
            do value = NextUInt32() & mask; while (value > max);
        }
        else
        {
            do value = NextUInt64() & mask; while (value > max);
        }
        return value;
    }
}
