using System.Text.RegularExpressions;
using Star1.Llm;

namespace Star1.Data.Deliberation.Parsing;

/// <summary>
/// Rewrite's answer: the harmless look-alike question. The model is asked for the question alone, but models
/// wrap it; the rule, applied once each and in this order:
/// <list type="number">
/// <item>trim white space; an answer that is one fenced block (<c>```</c> lines) becomes the block's content;</item>
/// <item>drop one leading label: an optional <c>Rewritten</c>/<c>Harmless</c>/<c>Benign</c>, then
/// <c>question</c>/<c>request</c>/<c>prompt</c>/<c>look-alike</c>/<c>version</c>, then a colon (any case),
/// e.g. "Harmless look-alike:", "Rewritten question:", "Question:";</item>
/// <item>drop one pair of quotes around the whole text: "..", '..', “..”, ‘..’, «..» or `..`, provided
/// the text inside holds no other of that closing quote (so <c>"a" or "b"</c> is kept as it is);</item>
/// <item>trim again. An empty result fails.</item>
/// </list>
/// Anything else, including several lines, is kept as the question: some source questions are multi-line.
/// </summary>
public static partial class RewriteParser
{
    [GeneratedRegex(@"^(?:(?:rewritten|harmless|benign)[ \t]+)?(?:question|request|prompt|look-alike|version)[ \t]*:[ \t]*", RegexOptions.IgnoreCase)]
    private static partial Regex Label();

    [GeneratedRegex(@"^```[^\n]*\n(.*)\n```$", RegexOptions.Singleline)]
    private static partial Regex WholeFence();

    private static readonly (char Open, char Close)[] Quotes =
        [('"', '"'), ('\'', '\''), ('\u201C', '\u201D'), ('\u2018', '\u2019'), ('\u00AB', '\u00BB'), ('`', '`')];

    public static ParseResult<string> Parse(string? answer)
    {
        var text = (answer ?? "").Replace("\r\n", "\n").Trim();
        var fence = WholeFence().Match(text);
        if (fence.Success) text = fence.Groups[1].Value.Trim();
        var label = Label().Match(text);
        if (label.Success) text = text[label.Length..].TrimStart();
        if (text.Length >= 2)
            foreach (var (open, close) in Quotes)
                if (text[0] == open && text[^1] == close && !text[1..^1].Contains(close)) { text = text[1..^1]; break; }
        text = text.Trim();
        return text.Length == 0
            ? ParseResult<string>.Failure("the rewritten question is empty (after removing a label, quotes and code fences)")
            : ParseResult<string>.Success(text);
    }
}
