using System.Text.Json;
using Star1.Llm;

namespace Star1.Data.Deliberation.Parsing;

/// <summary>
/// Classify's answer: a JSON list of category names (fenced or bare, see <see cref="JsonPayload"/>).
/// <list type="bullet">
/// <item>Every name must be one of the eight, spelled exactly, or exactly "Other"; unknown names fail, all named.</item>
/// <item>An empty list fails (a question always gets at least "Other").</item>
/// <item>A name given twice counts once (first place kept): it says nothing new, so no retry is spent on it.</item>
/// <item>"Other" next to real categories is dropped: the real categories say which policies apply, and keeping
/// "Other" would not change a thing downstream except to make the item look uncategorised.</item>
/// </list>
/// The result keeps the model's order.
/// </summary>
public static class CategoryParser
{
    private const string Expected = "a JSON list of category names such as [\"Self-Harm\"] or [\"Other\"]";

    public static ParseResult<IReadOnlyList<string>> Parse(string? answer)
    {
        var json = JsonPayload.Extract(answer, Expected);
        if (!json.Ok) return ParseResult<IReadOnlyList<string>>.Failure(json.Error!);
        using var doc = json.Value!;
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            return ParseResult<IReadOnlyList<string>>.Failure($"expected {Expected}, found {JsonPayload.Kind(root.ValueKind)}");
        if (root.GetArrayLength() == 0)
            return ParseResult<IReadOnlyList<string>>.Failure("the list of categories is empty; a question with no category is [\"Other\"]");

        var names = new List<string>();
        var unknown = new List<string>();
        int index = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                return ParseResult<IReadOnlyList<string>>.Failure($"list item {index} is {JsonPayload.Kind(item.ValueKind)}, not a category name");
            var name = item.GetString()!;
            if (name != SafetyCategories.Other && !SafetyCategories.IsCategory(name)) unknown.Add(name);
            else if (!names.Contains(name)) names.Add(name);
            index++;
        }
        if (unknown.Count > 0)
            return ParseResult<IReadOnlyList<string>>.Failure(
                $"unknown categor{(unknown.Count == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(u => $"\"{u}\""))}; the names are: {string.Join("; ", SafetyCategories.All)}; or Other");
        if (names.Count > 1) names.Remove(SafetyCategories.Other);
        return ParseResult<IReadOnlyList<string>>.Success(names);
    }
}
