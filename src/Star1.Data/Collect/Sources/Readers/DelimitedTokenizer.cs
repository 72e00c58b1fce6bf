using System.Text;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Splits CSV/TSV text into records the way pandas' C parser does with its defaults (which is how the
/// original read every CSV/TSV through <c>datasets</c>), streaming, one record at a time:
/// <list type="bullet">
/// <item>a field that starts with <c>"</c> is quoted: separators and line breaks inside it are data and
/// <c>""</c> is one quote; a quote that is not at the start of a field is an ordinary character
/// (so a stray quote in a free-text TSV cell does not swallow the following lines);</item>
/// <item>text right after a closing quote is appended to the field (pandas is lenient there too);</item>
/// <item>lines are ended by <c>\n</c>, <c>\r\n</c> or <c>\r</c>; empty lines and lines of only spaces
/// are skipped (pandas' <c>skip_blank_lines</c>);</item>
/// <item>a quoted field still open at the end of the file is an error (pandas: "EOF inside string").</item>
/// </list>
/// Cells come back as strings exactly as written (no trimming); empty cells are "".
/// </summary>
internal sealed class DelimitedTokenizer(TextReader reader, char separator)
{
    private readonly char[] _buffer = new char[64 * 1024];
    private int _pos, _len;
    private long _line = 1;
    private readonly StringBuilder _field = new();

    /// <summary>The 1-based line the last record returned by <see cref="TryRead"/> started on.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads the next non-blank record into <paramref name="fields"/>; false at the end of the input.</summary>
    /// <exception cref="FormatException">A quoted field is not closed before the end of the input.</exception>
    public bool TryRead(List<string> fields)
    {
        while (true)
        {
            fields.Clear();
            int c = Peek();
            if (c < 0) return false;
            if (c == '\n' || c == '\r')
            {
                ConsumeLineEnd();
                continue;
            }

            RecordLine = _line;
            bool anyQuoted = ReadRecord(fields);
            if (!anyQuoted && fields.Count == 1 && IsBlank(fields[0])) continue;
            return true;
        }
    }

    private static bool IsBlank(string field)
    {
        foreach (var ch in field)
            if (ch != ' ' && ch != '\t') return false;
        return true;
    }

    /// <summary>Reads one record, stopping after its line end; returns whether any field was quoted.</summary>
    private bool ReadRecord(List<string> fields)
    {
        bool anyQuoted = false;
        while (true)
        {
            _field.Clear();
            int c = Peek();
            if (c == '"')
            {
                anyQuoted = true;
                Advance();
                ReadQuotedTail();
            }
            ReadUnquotedTail();

            fields.Add(_field.ToString());
            c = Peek();
            if (c == separator)
            {
                Advance();
                continue;
            }
            if (c >= 0) ConsumeLineEnd();
            return anyQuoted;
        }
    }

    /// <summary>Inside quotes: up to and including the closing quote; <c>""</c> is a literal quote.</summary>
    private void ReadQuotedTail()
    {
        long openedOn = _line;
        while (true)
        {
            int c = Peek();
            if (c < 0)
                throw new FormatException($"a quoted field opened on line {openedOn} is not closed before the end of the file");

            var rest = _buffer.AsSpan(_pos, _len - _pos);
            int special = rest.IndexOfAny('"', '\n', '\r');
            if (special != 0)
            {
                var run = special < 0 ? rest : rest[..special];
                _field.Append(run);
                _pos += run.Length;
                continue;
            }

            Advance();
            if (c == '"')
            {
                if (Peek() != '"') return;
                Advance();
                _field.Append('"');
            }
            else if (c == '\r')
            {
                // Keep the line break as written, count it once.
                _field.Append('\r');
                if (Peek() == '\n')
                {
                    Advance();
                    _field.Append('\n');
                }
                _line++;
            }
            else
            {
                _line++;
                _field.Append('\n');
            }
        }
    }

    /// <summary>Outside quotes: up to (not including) the next separator or line end.</summary>
    private void ReadUnquotedTail()
    {
        while (Peek() >= 0)
        {
            // Copy the run of ordinary characters in one go rather than char by char.
            var rest = _buffer.AsSpan(_pos, _len - _pos);
            int stop = rest.IndexOfAny(separator, '\n', '\r');
            _field.Append(stop < 0 ? rest : rest[..stop]);
            _pos += stop < 0 ? rest.Length : stop;
            if (stop >= 0) return;
        }
    }

    private void ConsumeLineEnd()
    {
        int c = Peek();
        Advance();
        if (c == '\r' && Peek() == '\n') Advance();
        _line++;
    }

    private int Peek()
    {
        if (_pos < _len) return _buffer[_pos];
        _len = reader.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        return _len > 0 ? _buffer[0] : -1;
    }

    private void Advance() => _pos++;
}
