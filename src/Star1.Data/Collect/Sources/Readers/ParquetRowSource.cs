using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Rows of a parquet file, one row group at a time, reading only the columns the mapping uses (the
/// BeaverTails copy also holds the responses and a 14-flag category struct we never need). Top-level
/// string, boolean and integer columns are supported; booleans read as "true"/"false".
/// </summary>
/// <remarks>
/// Parquet.Net only offers an async API; the loaders are synchronous, and nothing here runs on a
/// synchronization context, so the calls are waited on directly.
/// </remarks>
internal sealed class ParquetRowSource : IRowSource
{
    private readonly FileContext _file;
    private readonly IReadOnlyList<string> _wanted;
    private readonly FileStream _stream;
    private readonly ParquetReader _reader;
    private readonly Dictionary<string, DataField> _fields = new(StringComparer.Ordinal);

    public IReadOnlyList<string>? Columns { get; }

    public ParquetRowSource(FileContext file, IEnumerable<string> wantedColumns)
    {
        _file = file;
        _wanted = wantedColumns.Distinct(StringComparer.Ordinal).ToList();
        _stream = File.OpenRead(file.FullPath);
        try
        {
            _reader = ParquetReader.CreateAsync(_stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _stream.Dispose();
            throw file.Fail("", $"not a readable parquet file: {e.Message}", e);
        }

        // Only top-level columns are addressable by name; nested ones (structs, lists) are not questions.
        foreach (var field in _reader.Schema.Fields)
            if (field is DataField data && !data.IsArray) _fields[data.Name] = data;
        Columns = _reader.Schema.Fields.Select(f => f.Name).ToList();
    }

    public IEnumerable<SourceRow> Rows()
    {
        long rowNumber = 0;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _wanted.Count; i++) index[_wanted[i]] = i;

        for (int group = 0; group < _reader.RowGroupCount; group++)
        {
            string?[][] columns;
            int rows;
            using (var groupReader = _reader.OpenRowGroupReader(group))
            {
                rows = checked((int)groupReader.RowCount);
                columns = new string?[_wanted.Count][];
                for (int c = 0; c < _wanted.Count; c++)
                    columns[c] = ReadColumn(groupReader, _wanted[c], rows, group);
            }

            for (int r = 0; r < rows; r++)
            {
                rowNumber++;
                var cells = new string?[_wanted.Count];
                for (int c = 0; c < _wanted.Count; c++) cells[c] = columns[c][r];
                yield return new ParquetRow(index, cells, rowNumber, Columns!);
            }
        }
    }

    private string?[] ReadColumn(ParquetRowGroupReader groupReader, string name, int rows, int group)
    {
        if (!_fields.TryGetValue(name, out var field))
            throw _file.Fail("", $"column '{name}' is not a top-level value column; columns are: {string.Join(", ", Columns!)}");

        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        try
        {
            // Parquet.Net 6 reports UTF-8 text columns as ReadOnlyMemory<char>; both read as strings.
            if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
            {
                var values = new string?[rows];
                groupReader.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
                return values;
            }
            if (type == typeof(bool)) return Read<bool>(groupReader, field, rows, v => v ? "true" : "false");
            if (type == typeof(int)) return Read<int>(groupReader, field, rows, v => v.ToString(CultureInfo.InvariantCulture));
            if (type == typeof(long)) return Read<long>(groupReader, field, rows, v => v.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is not OutOfMemoryException and not SourceDataException)
        {
            throw _file.Fail($"row group {group}", $"column '{name}' could not be read: {e.Message}", e);
        }
        throw _file.Fail("", $"column '{name}' holds {type.Name} values; only text, boolean and integer columns can be read");
    }

    private static string?[] Read<T>(ParquetRowGroupReader groupReader, DataField field, int rows, Func<T, string> format)
        where T : struct
    {
        var values = new T?[rows];
        groupReader.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
        return values.Select(v => v is { } x ? format(x) : null).ToArray();
    }

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }

    private sealed class ParquetRow(Dictionary<string, int> index, string?[] cells, long row, IReadOnlyList<string> columns) : SourceRow
    {
        public override string Location => $"row {row}";
        public override IEnumerable<string> Keys => columns;
        public override FieldValue Get(string key) =>
            index.TryGetValue(key, out int i) ? new FieldValue(true, cells[i]) : FieldValue.Absent;
    }
}
