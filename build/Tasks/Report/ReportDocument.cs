using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Star1.Build.Tasks.Report;

/// <summary>A piece of the report. The same blocks render to markdown and to HTML, so the two cannot disagree.</summary>
public abstract record ReportBlock;

public sealed record HeadingBlock(int Level, string Text) : ReportBlock;

public sealed record TextBlock(string Text) : ReportBlock;

/// <summary>A chart: a PNG written beside report.md, embedded into index.html.</summary>
public sealed record ChartBlock(string File, string Alt) : ReportBlock;

/// <summary>A table; every column after the first is numeric (right-aligned) unless told otherwise.</summary>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, bool FirstColumnText = true) : ReportBlock
{
    /// <summary>
    /// A markdown pipe table as Table1 writes it (header, separator, rows); lines that are not table rows come
    /// back as text, so EvalTable's note under the table (the rubric scores) is kept too.
    /// </summary>
    public static IEnumerable<ReportBlock> FromMarkdown(string markdown)
    {
        var rows = new List<IReadOnlyList<string>>();
        var blocks = new List<ReportBlock>();
        void Flush()
        {
            if (rows.Count > 0) blocks.Add(new TableBlock(rows[0], rows.Skip(1).ToList()));
            rows.Clear();
        }
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('|') && line.EndsWith('|'))
            {
                var cells = line[1..^1].Split(" | ").Select(c => c.Trim().Replace("\\|", "|")).ToList();
                if (cells.All(c => c.Trim(':').All(ch => ch == '-') && c.Contains('-'))) continue;   // the separator row
                rows.Add(cells);
            }
            else
            {
                Flush();
                if (line.Length > 0) blocks.Add(new TextBlock(line));
            }
        }
        Flush();
        return blocks;
    }
}

/// <summary>Where the numbers above it came from (see <see cref="Provenance"/>).</summary>
public sealed record ProvenanceBlock(ProvenanceEntry Entry) : ReportBlock;

/// <summary>Renders the blocks as report.md (charts as links to the PNGs beside it) or one self-contained index.html.</summary>
public static class ReportRender
{
    public static string Markdown(IReadOnlyList<ReportBlock> blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock h: text.Append('#', h.Level).Append(' ').Append(h.Text).Append("\n\n"); break;
                case TextBlock t: text.Append(t.Text).Append("\n\n"); break;
                case ChartBlock c: text.Append($"![{c.Alt}]({c.File})\n\n"); break;
                case TableBlock t:
                    Row(text, t.Header);
                    Row(text, [.. t.Header.Select((_, i) => i == 0 && t.FirstColumnText ? "---" : "---:")]);
                    foreach (var r in t.Rows) Row(text, r);
                    text.Append('\n');
                    break;
                case ProvenanceBlock p:
                    var e = p.Entry;
                    text.Append($"Source: stage `{e.Source.Stage}`, reading {string.Join(", ", e.Source.Files.Select(f => $"`{f}`"))}.\n");
                    foreach (var (key, value) in e.Params) text.Append($"- param `{key}` = `{value}`\n");
                    foreach (var (prompt, hash) in e.Prompts) text.Append($"- prompt `{prompt}` sha256 `{hash}`\n");
                    if (e.Params.Count == 0 && e.Prompts.Count == 0) text.Append("- no params keys or prompts\n");
                    text.Append('\n');
                    break;
            }
        }
        return text.ToString();
    }

    /// <param name="png">The bytes of a chart file, to embed as a data URI (the page needs no server and no other file).</param>
    public static string Html(string title, IReadOnlyList<ReportBlock> blocks, Func<string, byte[]> png)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append($"<title>{E(title)}</title>\n")
            .Append("<style>\nbody{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n")
            .Append("table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right}\n")
            .Append("img{max-width:100%;display:block;margin:1em 0}.prov{font-size:0.85em;color:#555;background:#f6f6f6;padding:0.5em 1em}\ncode{font-size:0.95em}\n</style>\n</head>\n<body>\n");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock h: html.Append($"<h{h.Level}>{E(h.Text)}</h{h.Level}>\n"); break;
                // Text is written as markdown: its `code` spans become <code> on the page.
                case TextBlock t: html.Append($"<p>{Regex.Replace(E(t.Text), "`([^`]+)`", "<code>$1</code>")}</p>\n"); break;
                case ChartBlock c: html.Append($"<img src=\"data:image/png;base64,{Convert.ToBase64String(png(c.File))}\" alt=\"{E(c.Alt)}\">\n"); break;
                case TableBlock t:
                    html.Append("<table>\n<tr>").AppendJoin("", t.Header.Select(c => $"<th>{E(c)}</th>")).Append("</tr>\n");
                    foreach (var r in t.Rows)
                        html.Append("<tr>").AppendJoin("", r.Select((c, i) => i == 0 && t.FirstColumnText ? $"<td>{E(c)}</td>" : $"<td class=\"n\">{E(c)}</td>")).Append("</tr>\n");
                    html.Append("</table>\n");
                    break;
                case ProvenanceBlock p:
                    var e = p.Entry;
                    html.Append($"<div class=\"prov\">Source: stage <code>{E(e.Source.Stage)}</code>, reading ")
                        .AppendJoin(", ", e.Source.Files.Select(f => $"<code>{E(f)}</code>")).Append(".<ul>\n");
                    foreach (var (key, value) in e.Params) html.Append($"<li>param <code>{E(key)}</code> = <code>{E(value)}</code></li>\n");
                    foreach (var (prompt, hash) in e.Prompts) html.Append($"<li>prompt <code>{E(prompt)}</code> sha256 <code>{E(hash)}</code></li>\n");
                    if (e.Params.Count == 0 && e.Prompts.Count == 0) html.Append("<li>no params keys or prompts</li>\n");
                    html.Append("</ul></div>\n");
                    break;
            }
        }
        return html.Append("</body>\n</html>\n").ToString();
    }

    private static void Row(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells.Select(c => c.Replace("|", "\\|"))).Append(" |\n");
}
