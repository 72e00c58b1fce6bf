using System.Text.Json;
using Star1.Llm;

namespace Star1.Data.Deliberation.Parsing;

/// <summary>
/// Score's and BenignScore's answers: a JSON object (fenced or bare, see <see cref="JsonPayload"/>) holding
/// exactly the rubric's three criteria, each a JSON integer within the rubric's range. A missing criterion, an
/// extra key, a key given twice, a non-integer (10.5, "10", 1e1) or a value out of range fails, saying which.
/// </summary>
public static class ScoreParser
{
    /// <summary>The three 0-10 criteria of the safety rubric.</summary>
    public static ParseResult<SafetyScores> ParseSafety(string? answer)
    {
        var r = Parse(answer, SafetyScores.Criteria, SafetyScores.Min, SafetyScores.Max);
        return r.Ok ? ParseResult<SafetyScores>.Success(SafetyScores.From(r.Value!)) : ParseResult<SafetyScores>.Failure(r.Error!);
    }

    /// <summary>The three 1-5 criteria of the benign rubric.</summary>
    public static ParseResult<BenignScores> ParseBenign(string? answer)
    {
        var r = Parse(answer, BenignScores.Criteria, BenignScores.Min, BenignScores.Max);
        return r.Ok ? ParseResult<BenignScores>.Success(BenignScores.From(r.Value!)) : ParseResult<BenignScores>.Failure(r.Error!);
    }

    internal static ParseResult<int[]> Parse(string? answer, IReadOnlyList<string> criteria, int min, int max)
    {
        var expected = $"a JSON object with the integer scores {string.Join(", ", criteria)} ({min}-{max})";
        var json = JsonPayload.Extract(answer, expected);
        if (!json.Ok) return ParseResult<int[]>.Failure(json.Error!);
        using var doc = json.Value!;
        return FromElement(doc.RootElement, criteria, min, max, expected);
    }

    /// <summary>The checks on an already parsed object (also used by the strict dataset readers).</summary>
    internal static ParseResult<int[]> FromElement(JsonElement root, IReadOnlyList<string> criteria, int min, int max, string expected)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return ParseResult<int[]>.Failure($"expected {expected}, found {JsonPayload.Kind(root.ValueKind)}");

        var values = new int?[criteria.Count];
        var problems = new List<string>();
        var extra = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in root.EnumerateObject())
        {
            int at = IndexOf(criteria, prop.Name);
            if (at < 0) { extra.Add(prop.Name); continue; }
            if (!seen.Add(prop.Name))
            {
                problems.Add($"{prop.Name} is given twice");
                continue;
            }
            if (prop.Value.ValueKind != JsonValueKind.Number || !IsPlainInteger(prop.Value.GetRawText()) || !prop.Value.TryGetInt32(out int v))
                problems.Add($"{prop.Name} is {Describe(prop.Value)}, not an integer");
            else if (v < min || v > max)
                problems.Add($"{prop.Name} is {v}, outside {min}-{max}");
            else
                values[at] = v;
        }
        var missing = criteria.Where(c => !seen.Contains(c)).ToList();
        if (missing.Count > 0) problems.Add($"missing {string.Join(", ", missing)}");
        if (extra.Count > 0) problems.Add($"unexpected key{(extra.Count == 1 ? "" : "s")} {string.Join(", ", extra)}");
        return problems.Count > 0
            ? ParseResult<int[]>.Failure($"bad scores: {string.Join("; ", problems)}")
            : ParseResult<int[]>.Success([.. values.Select(v => v!.Value)]);
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == name) return i;
        return -1;
    }

    // 10 is an integer; 10.0, 1e1 and -0 are numbers a strict reader does not take as one.
    private static bool IsPlainInteger(string raw) =>
        raw.Length > 0 && (raw == "0" || (raw[0] != '-' && raw.All(char.IsAsciiDigit)) || (raw[0] == '-' && raw.Length > 1 && raw[1] != '0' && raw[1..].All(char.IsAsciiDigit)));

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.String => $"the string \"{e.GetString()}\"",
        _ => JsonPayload.Kind(e.ValueKind),
    };
}
