using System.Text;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// A plain-text file with one question per line (MaliciousInstruct). Blank lines (empty or only white
/// space) are skipped; every other line is kept exactly as written, line break removed. The file must be
/// UTF-8 (see <see cref="StrictUtf8"/>).
/// </summary>
internal sealed class TextLineRowSource(FileContext file) : IRowSource
{
    public IReadOnlyList<string>? Columns => null;

    public IEnumerable<SourceRow> Rows()
    {
        using var reader = StrictUtf8.OpenReader(file);
        long number = 0;
        while (ReadLine(reader) is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line)) yield return new TextLineRow(line, number);
        }
    }

    private string? ReadLine(StreamReader reader)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            throw StrictUtf8.Fail(file, e);
        }
    }

    public void Dispose() { }
}
