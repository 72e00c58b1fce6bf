namespace Star1.Eval.Grading;

/// <summary>
/// Reads the content of the last <c>\boxed{...}</c> (or <c>\fbox{...}</c>) in a text, matching braces so
/// that nested LaTeX such as <c>\boxed{\frac{1}{2}}</c> comes out whole. The last one wins: answers often
/// restate or correct an earlier box. A box whose braces never close is skipped.
/// </summary>
public static class BoxedAnswer
{
    private static readonly string[] Commands = [@"\boxed", @"\fbox"];

    public static string? Last(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // From the end backwards: the first box that parses is the last one in the text.
        for (int at = text.LastIndexOf('\\'); at >= 0; at = at == 0 ? -1 : text.LastIndexOf('\\', at - 1))
            foreach (var command in Commands)
                if (string.CompareOrdinal(text, at, command, 0, command.Length) == 0 && Content(text, at + command.Length) is { } content)
                    return content;
        return null;
    }

    /// <summary>The group after a command: <c>{...}</c> with balanced braces, or <c>\boxed 5</c>'s single token.</summary>
    private static string? Content(string text, int i)
    {
        // "\boxedfoo" is another command, not a box.
        if (i < text.Length && char.IsLetter(text[i])) return null;
        while (i < text.Length && text[i] == ' ') i++;
        if (i >= text.Length) return null;
        if (text[i] != '{')
        {
            // "\boxed 42": up to the next white space or dollar sign.
            int end = i;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '$') end++;
            return end > i ? text[i..end] : null;
        }
        int depth = 0;
        for (int j = i; j < text.Length; j++)
        {
            // An escaped brace (\{ in a set) does not open or close a group.
            if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '{' or '}') { j++; continue; }
            if (text[j] == '{') depth++;
            else if (text[j] == '}' && --depth == 0) return text[(i + 1)..j];
        }
        return null;
    }
}
