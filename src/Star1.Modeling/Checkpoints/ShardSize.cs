using System.Globalization;
using System.Text.RegularExpressions;

namespace Star1.Modeling.Checkpoints;

/// <summary>
/// A shard size as transformers' save_pretrained(max_shard_size=...) takes it: "5GB" (10^9 bytes), "2MB", "500KB",
/// "1GiB" (2^30), or a plain number of bytes. Units are decimal unless they carry the "i", as in transformers.
/// </summary>
public static partial class ShardSize
{
    [GeneratedRegex(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<unit>[KMGT]i?B|B)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Size();

    public static long Parse(string text)
    {
        var match = Size().Match(text);
        if (!match.Success)
            throw new ArgumentException($"shard size '{text}': expected a number of bytes or a size such as 5GB, 2MB, 500KB or 1GiB");
        var number = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value.ToUpperInvariant();
        double factor = unit switch
        {
            "" or "B" => 1,
            "KB" => 1e3, "MB" => 1e6, "GB" => 1e9, "TB" => 1e12,
            "KIB" => 1L << 10, "MIB" => 1L << 20, "GIB" => 1L << 30, "TIB" => 1L << 40,
            _ => throw new ArgumentException($"shard size '{text}': unknown unit {unit}"),
        };
        var bytes = number * factor;
        if (bytes < 1 || bytes > long.MaxValue)
            throw new ArgumentException($"shard size '{text}': must be at least one byte");
        return (long)bytes;
    }
}
