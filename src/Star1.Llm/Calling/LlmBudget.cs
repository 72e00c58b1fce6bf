namespace Star1.Llm.Calling;

/// <summary>
/// A spending limit in USD, safe to share between stages running at once. A request reserves its worst-case
/// cost before it is sent (estimated input + its output cap) and settles to its real cost when answered, so
/// concurrent requests cannot together overshoot the limit.
/// </summary>
public sealed class LlmBudget(decimal limit, string name = "build")
{
    private readonly Lock _gate = new();
    private decimal _spent, _reserved;

    public string Name { get; } = name;
    public decimal Limit { get; } = limit >= 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), $"budget '{name}' cannot be negative");

    public decimal Spent { get { lock (_gate) return _spent; } }

    /// <summary>Reserves <paramref name="estimate"/>, or returns false when spent + reserved + it would pass the limit.</summary>
    public bool TryReserve(decimal estimate)
    {
        lock (_gate)
        {
            if (_spent + _reserved + estimate > Limit) return false;
            _reserved += estimate;
            return true;
        }
    }

    /// <summary>Replaces a reservation by what the request really cost (0 when it failed before an answer).</summary>
    public void Settle(decimal reserved, decimal actual)
    {
        lock (_gate)
        {
            _reserved -= reserved;
            _spent += actual;
        }
    }

    public override string ToString() => $"{Name} budget: spent ${Spent:0.####} of ${Limit:0.####}";
}
