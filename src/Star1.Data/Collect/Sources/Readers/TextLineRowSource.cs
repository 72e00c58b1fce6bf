using System.Text;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// A plain-text file with one question per line (MaliciousInstruct). Blank lines (empty or only white
/// space) are skipped; every other line is kept exactly as written, line break removed.
/// </summary>
internal sealed class TextLineRowSource(FileContext file) : IRowSource
{
    public IReadOnlyList<string>? Columns => null;

    public IEnumerable<SourceRow> Rows()
    {
        using var reader = new StreamReader(file.FullPath, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line)) yield return new TextLineRow(line, number);
        }
    }

    public void Dispose() { }
}
