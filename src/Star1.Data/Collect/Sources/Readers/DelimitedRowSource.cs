using System.Text;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Rows of a CSV or TSV file, with or without a header. The header is read on open, so a missing
/// column is reported before any row. A row with more cells than the header is an error (pandas refuses
/// it too); a row with fewer cells is kept, and only fails if a column the mapping reads is among the
/// missing cells, so nothing is lost without a word.
/// </summary>
internal sealed class DelimitedRowSource : IRowSource
{
    private readonly FileContext _file;
    private readonly StreamReader _reader;
    private readonly DelimitedTokenizer _tokenizer;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _firstRecord = [];
    private readonly bool _hasHeader;

    public IReadOnlyList<string>? Columns { get; }

    public DelimitedRowSource(FileContext file, char separator, bool hasHeader)
    {
        _file = file;
        _hasHeader = hasHeader;
        _reader = StrictUtf8.OpenReader(file);
        _tokenizer = new DelimitedTokenizer(_reader, separator);

        var columns = new List<string>();
        try
        {
            if (Next(_firstRecord))
            {
                if (hasHeader) columns.AddRange(UniqueNames(_firstRecord));
                else columns.AddRange(Enumerable.Range(0, _firstRecord.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        catch
        {
            // A bad first record fails the constructor, so nobody else will ever dispose the reader.
            _reader.Dispose();
            throw;
        }
        for (int i = 0; i < columns.Count; i++) _index[columns[i]] = i;
        Columns = columns;
    }

    public IEnumerable<SourceRow> Rows()
    {
        var record = new List<string>();
        if (!_hasHeader && _firstRecord.Count > 0)
            yield return MakeRow(_firstRecord, _tokenizer.RecordLine);

        while (Next(record))
            yield return MakeRow(record, _tokenizer.RecordLine);
    }

    private DelimitedRow MakeRow(List<string> cells, long line)
    {
        if (cells.Count > _index.Count)
            throw _file.Fail($"line {line}", $"{cells.Count} fields where the header has {_index.Count}");
        return new DelimitedRow(_index, [.. cells], line, _index.Count);
    }

    private bool Next(List<string> record)
    {
        try
        {
            return _tokenizer.TryRead(record);
        }
        catch (FormatException e)
        {
            throw _file.Fail($"line {_tokenizer.RecordLine}", e.Message, e);
        }
        catch (DecoderFallbackException e)
        {
            throw StrictUtf8.Fail(_file, e);
        }
    }

    /// <summary>pandas renames repeated header names "a", "a" to "a", "a.1"; do the same so lookups agree.</summary>
    private static IEnumerable<string> UniqueNames(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var unique = name;
            for (int k = 1; !seen.Add(unique); k++) unique = $"{name}.{k}";
            yield return unique;
        }
    }

    public void Dispose() => _reader.Dispose();

    private sealed class DelimitedRow(Dictionary<string, int> index, string[] cells, long line, int width) : SourceRow
    {
        public override string Location => $"line {line}";

        public override IEnumerable<string> Keys => index.Keys;

        public override FieldValue Get(string key)
        {
            if (!index.TryGetValue(key, out int i)) return FieldValue.Absent;
            return i < cells.Length
                ? new FieldValue(true, cells[i])
                : new FieldValue(true, null, $"the row has {cells.Length} of the header's {width} fields, so column '{key}' is missing");
        }
    }
}
