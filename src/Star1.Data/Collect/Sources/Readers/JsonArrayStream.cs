using System.Text.Json;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Reads the elements of a top-level JSON array one at a time from a stream, so a 100 MB file
/// (UltraSafety) never becomes one document in memory: only the element being read is buffered.
/// Each element comes with its index and the line it starts on, for error messages.
/// </summary>
internal sealed class JsonArrayStream
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;      // first byte not yet consumed
    private int _end;        // end of the valid bytes in the buffer
    private bool _eof;
    private long _bytesBeforeBuffer;
    private long _linesBefore; // newlines in everything consumed so far
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private bool _opened;
    private bool _closed;
    private int _index;

    public JsonArrayStream(Stream stream) => _stream = stream;

    /// <summary>The 1-based line where the reader stopped; used when the JSON is malformed.</summary>
    public long CurrentLine => _linesBefore + 1;

    /// <summary>The byte offset in the file where the reader stopped.</summary>
    public long CurrentByte => _bytesBeforeBuffer + _start;

    /// <summary>Reads the next element; false after the closing bracket.</summary>
    /// <exception cref="JsonException">Malformed JSON, content after the array, or a file that is not an array.</exception>
    /// <exception cref="System.Text.DecoderFallbackException">An element holds bytes that are not UTF-8.</exception>
    public bool TryReadNext(out JsonElement element, out int index, out long line)
    {
        element = default;
        index = -1;
        line = 0;
        if (_closed) return false;
        if (_start == 0 && _end == 0 && !_eof) SkipByteOrderMark();

        while (true)
        {
            var outcome = Step(out element, out line);
            if (outcome == StepOutcome.NeedMoreData)
            {
                if (_eof) throw new JsonException("the file ends inside the JSON array (truncated?)");
                Refill();
                continue;
            }
            if (outcome == StepOutcome.Opened) continue;
            if (outcome == StepOutcome.Closed)
            {
                _closed = true;
                EnsureOnlyWhiteSpaceLeft();
                return false;
            }
            index = _index++;
            return true;
        }
    }

    private enum StepOutcome { NeedMoreData, Opened, Element, Closed }

    private StepOutcome Step(out JsonElement element, out long line)
    {
        element = default;
        line = 0;
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
        if (!reader.Read()) return StepOutcome.NeedMoreData;

        if (!_opened)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new JsonException($"expected a JSON array but the file starts with {reader.TokenType}");
            _opened = true;
            Consume(ref reader);
            return StepOutcome.Opened;
        }

        if (reader.TokenType == JsonTokenType.EndArray)
        {
            Consume(ref reader);
            return StepOutcome.Closed;
        }

        int valueStart = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            return StepOutcome.NeedMoreData;

        var bytes = _buffer.AsMemory(_start + valueStart, (int)reader.BytesConsumed - valueStart);
        line = _linesBefore + 1 + _buffer.AsSpan(_start, valueStart).Count((byte)'\n');
        // The parser does not vet the bytes inside strings; a bad byte would later read as U+FFFD.
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
            throw new System.Text.DecoderFallbackException($"element {_index} (line {line}) is not valid UTF-8");
        using (var doc = JsonDocument.Parse(bytes))
            element = doc.RootElement.Clone();
        Consume(ref reader);
        return StepOutcome.Element;
    }

    private void Consume(ref Utf8JsonReader reader)
    {
        int used = (int)reader.BytesConsumed;
        _linesBefore += _buffer.AsSpan(_start, used).Count((byte)'\n');
        _start += used;
        _state = reader.CurrentState;
    }

    private void EnsureOnlyWhiteSpaceLeft()
    {
        while (true)
        {
            foreach (var b in _buffer.AsSpan(_start, _end - _start))
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                    throw new JsonException("there is more content after the closing bracket of the JSON array");
            _start = _end;
            if (_eof) return;
            Refill();
        }
    }

    /// <summary>Keeps the unconsumed bytes, grows the buffer if one element is larger than it, reads more.</summary>
    private void Refill()
    {
        int kept = _end - _start;
        if (kept == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, kept);
            _bytesBeforeBuffer += _start;
            _start = 0;
            _end = kept;
        }
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _eof = true;
        _end += read;
    }

    private void SkipByteOrderMark()
    {
        Refill();
        if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _start = 3;
    }
}
