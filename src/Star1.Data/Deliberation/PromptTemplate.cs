using System.Text;
using System.Text.RegularExpressions;

namespace Star1.Data.Deliberation;

/// <summary>
/// A prompt file with <c>{{name}}</c> placeholders (lower-case letters, digits and underscores). Rendering is
/// strict in both directions, because a silent mismatch sends the model a prompt nobody meant: a placeholder
/// the caller gives no value for, or a value the template has no placeholder for, is an error naming the
/// template. A stray <c>{{</c> or <c>}}</c> that is not a well-formed placeholder is an error too. Values are
/// inserted as they are and never expanded again, so a question containing <c>{{x}}</c> stays literal text.
/// </summary>
public sealed partial class PromptTemplate
{
    [GeneratedRegex(@"\{\{([a-z][a-z0-9_]*)\}\}")]
    private static partial Regex PlaceholderPattern();

    private readonly string _text;
    private readonly List<(int Start, int Length, string Name)> _slots = [];

    /// <summary>The template's name in errors (its repository-relative path).</summary>
    public string Name { get; }

    /// <summary>The distinct placeholder names, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    public PromptTemplate(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        Name = name;
        _text = text;
        var names = new List<string>();
        int scanFrom = 0;
        foreach (Match m in PlaceholderPattern().Matches(text))
        {
            CheckNoStrayBraces(text, scanFrom, m.Index);
            _slots.Add((m.Index, m.Length, m.Groups[1].Value));
            if (!names.Contains(m.Groups[1].Value)) names.Add(m.Groups[1].Value);
            scanFrom = m.Index + m.Length;
        }
        CheckNoStrayBraces(text, scanFrom, text.Length);
        Placeholders = names;
    }

    /// <summary>Loads a template through a reader of repository-relative paths (a stage's declared prompt reader).</summary>
    public static PromptTemplate Load(string relativePath, Func<string, string> read) => new(relativePath, read(relativePath));

    private void CheckNoStrayBraces(string text, int from, int to)
    {
        var gap = text.AsSpan(from, to - from);
        int open = gap.IndexOf("{{"), close = gap.IndexOf("}}");
        if (open < 0 && close < 0) return;
        int at = from + (open < 0 ? close : close < 0 ? open : Math.Min(open, close));
        int line = 1 + text.AsSpan(0, at).Count('\n');
        throw new PromptTemplateException(
            $"prompt template {Name}: line {line} has a '{{{{' or '}}}}' that is not a placeholder of the form {{{{name}}}} (lower-case letters, digits, underscores)");
    }

    /// <summary>
    /// Checks, before any request is built, that the template uses exactly the placeholders its stage supplies;
    /// the same errors as <see cref="Render"/>, raised once at load time instead of on the first item.
    /// </summary>
    public PromptTemplate Expect(params string[] names)
    {
        Render(names.ToDictionary(n => n, _ => "", StringComparer.Ordinal));
        return this;
    }

    /// <summary>Fills every placeholder. The values must name exactly the template's placeholders.</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var missing = Placeholders.Where(p => !values.ContainsKey(p)).ToList();
        if (missing.Count > 0)
            throw new PromptTemplateException(
                $"prompt template {Name}: no value for placeholder {string.Join(", ", missing.Select(m => $"{{{{{m}}}}}"))} (this stage supplies {Supplied(values)})");
        var unused = values.Keys.Where(k => !Placeholders.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            throw new PromptTemplateException(
                $"prompt template {Name}: placeholder {string.Join(", ", unused.Select(m => $"{{{{{m}}}}}"))} is missing from the template (this stage supplies {Supplied(values)})");
        var sb = new StringBuilder(_text.Length + values.Values.Sum(v => v.Length));
        int at = 0;
        foreach (var (start, length, name) in _slots)
        {
            sb.Append(_text, at, start - at).Append(values[name]);
            at = start + length;
        }
        return sb.Append(_text, at, _text.Length - at).ToString();
    }

    /// <summary>
    /// The request every stage sends: the rendered template as the one user message (the paper's prompts have
    /// no system message), with the caller's settings.
    /// </summary>
    public Star1.Llm.ChatRequest Request(Star1.Llm.GenerationSettings settings, params (string Name, string Value)[] values) =>
        new([Star1.Llm.ChatMessage.User(Render(values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal)))], settings);

    private static string Supplied(IReadOnlyDictionary<string, string> values) =>
        string.Join(", ", values.Keys.Order(StringComparer.Ordinal).Select(k => $"{{{{{k}}}}}"));
}

/// <summary>A prompt template that does not fit what its stage supplies, or a malformed one.</summary>
public sealed class PromptTemplateException(string message) : Exception(message);
