using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Star1.Pipeline.Params;

/// <summary>
/// Loads YAML text and turns every way YamlDotNet can fail into one <see cref="ParamsException"/> naming the
/// file and the line to fix. YamlDotNet alone is not enough for that: an unclosed '[' or '{' that runs onto
/// the next line throws a bare InvalidOperationException with no position, one on the last line is reported
/// at the end of the file, and a tab in the indentation is reported at line 1 or at the line above it.
/// </summary>
internal static class YamlSyntaxReader
{
    /// <summary>The first document's root, or null for an empty text.</summary>
    public static YamlNode? ReadRoot(string text, string source, bool withLines)
    {
        var parser = new TrackingParser(new Parser(new StringReader(text)), text);
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        // YamlException covers all of YamlDotNet's own (syntax, semantic, anchors, nesting depth); the other
        // two are what its scanner and node loader throw without a position when the input ends mid-structure.
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            throw Describe(e, text, source, withLines, parser);
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static ParamsException Describe(Exception e, string text, string source, bool withLines, TrackingParser parser)
    {
        var problem = e is YamlException y ? Sentence(y.Message) : "the text ends inside an unfinished value";
        var reported = e is YamlException ye ? (int)ye.Start.Line : parser.LastLine;
        string Where(long line) => withLines ? $"{source} line {line}" : source;

        // When the parser gave up inside a '[' or '{' because it ran out of text or never met the closing
        // bracket, point at the bracket that was left open, not at the end of the file where it stopped.
        var bracketAtFault = e is not YamlException
            || problem.Contains("did not find expected ','", StringComparison.Ordinal)
            || ((YamlException)e).Start.Index >= text.TrimEnd().Length;
        if (bracketAtFault && parser.OpenBracket is { } open)
        {
            var stopped = withLines && e is YamlException && reported != open.Line ? $" (the parser stopped at line {reported}: {problem})" : "";
            return new ParamsException($"{Where(open.Line)}: not valid YAML: '{open.Char}' is never closed{stopped}");
        }
        if (problem.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentedLine(text, reported) is { } tabLine)
            return new ParamsException($"{Where(tabLine)}: not valid YAML: a tab in the indentation (YAML indents with spaces only)");
        return new ParamsException($"{Where(reported)}: not valid YAML: {problem}");
    }

    /// <summary>YamlDotNet prefixes its messages with the position; we print our own, so keep only the words.</summary>
    private static string Sentence(string message)
    {
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && close > 0 ? message[(close + 3)..] : message;
    }

    /// <summary>The first line at or after <paramref name="from"/> whose leading white space holds a tab.</summary>
    internal static int? FirstTabIndentedLine(string text, int from)
    {
        var lines = text.Split('\n');
        for (var i = Math.Max(from, 1) - 1; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            if (lines[i].AsSpan(0, indent).Contains('\t')) return i + 1;
        }
        // YamlDotNet may report a line after the tab (a plain scalar continued onto the tabbed line).
        return from > 1 ? FirstTabIndentedLine(text, 1) : null;
    }

    /// <summary>Passes events through, remembering the open '[' and '{' and the last position reached.</summary>
    private sealed class TrackingParser(IParser inner, string text) : IParser
    {
        private readonly Stack<(long Line, char? Char)> open = new();

        public ParsingEvent? Current => inner.Current;
        public int LastLine { get; private set; } = 1;

        /// <summary>The innermost collection written with a bracket that has not been closed yet.</summary>
        public (long Line, char Char)? OpenBracket =>
            open.Where(o => o.Char is not null).Select(o => ((long, char)?)(o.Line, o.Char!.Value)).FirstOrDefault();

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            var current = inner.Current!;
            LastLine = (int)current.End.Line;
            switch (current)
            {
                case SequenceStart or MappingStart:
                    open.Push((current.Start.Line, BracketAt(current.Start.Index)));
                    break;
                case SequenceEnd or MappingEnd when open.Count > 0:
                    open.Pop();
                    break;
            }
            return true;
        }

        /// <summary>
        /// The bracket a collection starts with, if any: block collections have none, and a single "a: b"
        /// pair inside [ ] is a flow mapping that starts at its key, not at a '{'.
        /// </summary>
        private char? BracketAt(long index) =>
            index < text.Length && text[(int)index] is '[' or '{' ? text[(int)index] : null;
    }
}
