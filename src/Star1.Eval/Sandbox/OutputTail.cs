using System.Text;

namespace Star1.Eval.Sandbox;

/// <summary>
/// Reads a child's stream to its end and keeps only its last bytes. Reading never stops early: a child
/// writing into a pipe nobody drains would block forever, and the timeout would then report a hang the
/// program never had.
/// </summary>
internal sealed class OutputTail(int capacity)
{
    private readonly byte[] _buffer = new byte[Math.Max(capacity, 0) * 2];
    private int _length;
    private bool _truncated;

    public async Task PumpAsync(Stream stream, CancellationToken cancellationToken)
    {
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0) Append(chunk.AsSpan(0, read));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The stream was closed under us after the process ended (a grandchild held the pipe): what was read stands.
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (capacity == 0) { _truncated |= data.Length > 0; return; }
        lock (_buffer)
        {
            if (data.Length >= capacity)
            {
                data[^capacity..].CopyTo(_buffer);
                _truncated |= _length > 0 || data.Length > capacity;
                _length = capacity;
                return;
            }
            if (_length + data.Length > _buffer.Length)
            {
                // Keep the newest capacity - data.Length bytes, then add the new ones: the buffer's double size
                // makes this shift happen once per capacity bytes, not once per read.
                var keep = capacity - data.Length;
                Array.Copy(_buffer, _length - keep, _buffer, 0, keep);
                _length = keep;
                _truncated = true;
            }
            data.CopyTo(_buffer.AsSpan(_length));
            _length += data.Length;
        }
    }

    /// <summary>The kept tail as text, trimmed; "..." in front when older output was dropped.</summary>
    public override string ToString()
    {
        lock (_buffer)
        {
            var start = Math.Max(0, _length - capacity);
            var text = Encoding.UTF8.GetString(_buffer, start, _length - start).Trim();
            return _truncated || start > 0 ? "..." + text : text;
        }
    }
}
