using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Star1.Modeling.Checkpoints;

/// <summary>One tensor's entry in a safetensors header; offsets are absolute in the file.</summary>
public sealed record SafeTensorEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long ByteCount => End - Begin;
}

/// <summary>
/// The safetensors format, read and written directly: an 8-byte little-endian header length, a JSON header
/// mapping each name to {dtype, shape, data_offsets} (plus optional "__metadata__"), then the raw
/// little-endian bytes. Done here rather than through TorchSharp.PyBridge so that a load reads each tensor
/// straight into the model's own parameter (no second copy of a shard), bf16 round-trips bit for bit, and
/// every error can name the file and the tensor.
/// </summary>
public static class SafeTensors
{
    public static IReadOnlyList<SafeTensorEntry> ReadHeader(string path)
    {
        using var file = File.OpenRead(path);
        return ReadHeader(file, path);
    }

    internal static IReadOnlyList<SafeTensorEntry> ReadHeader(FileStream file, string path)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (file.Read(lengthBytes) != 8) throw new InvalidDataException($"{path}: too short to be a safetensors file");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > 100_000_000 || (long)headerLength > file.Length - 8)
            throw new InvalidDataException($"{path}: header length {headerLength} does not fit the file ({file.Length} bytes); not a safetensors file");
        var header = new byte[headerLength];
        file.ReadExactly(header);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(header) as JsonObject ?? throw new InvalidDataException($"{path}: the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({e.Message})", e);
        }
        long dataStart = 8 + (long)headerLength;
        var entries = new List<SafeTensorEntry>();
        foreach (var (name, node) in json)
        {
            if (name == "__metadata__") continue;
            if (node is not JsonObject t || t["dtype"] is null || t["shape"] is not JsonArray shape || t["data_offsets"] is not JsonArray offsets || offsets.Count != 2)
                throw new InvalidDataException($"{path}: tensor '{name}' has a malformed header entry");
            var dtype = ParseDType(t["dtype"]!.GetValue<string>(), path, name);
            var dims = shape.Select(d => d!.GetValue<long>()).ToArray();
            long begin = dataStart + offsets[0]!.GetValue<long>(), end = dataStart + offsets[1]!.GetValue<long>();
            long expected = dims.Aggregate(1L, (a, d) => a * d) * ElementSize(dtype);
            if (end - begin != expected || begin < dataStart || end > file.Length)
                throw new InvalidDataException($"{path}: tensor '{name}' data [{begin - dataStart}, {end - dataStart}) does not match its shape [{string.Join(", ", dims)}] {t["dtype"]} or the file's length");
            entries.Add(new SafeTensorEntry(name, dtype, dims, begin, end));
        }
        return entries;
    }

    /// <summary>Every tensor of a (small) file on the CPU: fixtures, expected values.</summary>
    public static Dictionary<string, Tensor> ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        var result = new Dictionary<string, Tensor>();
        foreach (var entry in ReadHeader(file, path))
        {
            var t = empty(entry.Shape, entry.DType);
            ReadInto(file, entry, t);
            result[entry.Name] = t;
        }
        return result;
    }

    /// <summary>Reads an entry's bytes into <paramref name="destination"/>, a contiguous CPU tensor of the
    /// entry's dtype and element count.</summary>
    internal static void ReadInto(FileStream file, SafeTensorEntry entry, Tensor destination)
    {
        file.Seek(entry.Begin, SeekOrigin.Begin);
        // Tensor.bytes is a span over the tensor's own memory; spans are int-sized, so go in chunks.
        using var flat = destination.view(-1);
        foreach (var (start, count) in Chunks(flat.shape[0], destination.dtype))
        {
            using var part = flat.narrow(0, start, count);
            file.ReadExactly(part.bytes);
        }
    }

    /// <summary>Writes <paramref name="tensors"/> (name, tensor) in the given order to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is not null)
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            long size = t.numel() * ElementSize(t.dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(t.dtype),
                ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padded = (headerBytes.Length + 7) / 8 * 8;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)padded);
        file.Write(lengthBytes);
        file.Write(headerBytes);
        for (int i = headerBytes.Length; i < padded; i++) file.WriteByte((byte)' ');
        foreach (var (_, t) in tensors)
        {
            using var scope = NewDisposeScope();
            var flat = t.detach().cpu().contiguous().view(-1);
            foreach (var (start, count) in Chunks(flat.shape[0], t.dtype))
                file.Write(flat.narrow(0, start, count).bytes);
        }
        file.Flush(flushToDisk: true);
    }

    /// <summary>Element ranges of at most 1 GiB each.</summary>
    private static IEnumerable<(long Start, long Count)> Chunks(long elements, ScalarType dtype)
    {
        long per = (1L << 30) / ElementSize(dtype);
        for (long start = 0; start < elements; start += per) yield return (start, Math.Min(per, elements - start));
    }

    public static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"dtype {t} has no safetensors name"),
    };

    public static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float64 => "F64", ScalarType.Float32 => "F32", ScalarType.BFloat16 => "BF16", ScalarType.Float16 => "F16",
        ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8", ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {t} has no safetensors name"),
    };

    private static ScalarType ParseDType(string name, string path, string tensor) => name switch
    {
        "F64" => ScalarType.Float64, "F32" => ScalarType.Float32, "BF16" => ScalarType.BFloat16, "F16" => ScalarType.Float16,
        "I64" => ScalarType.Int64, "I32" => ScalarType.Int32, "I16" => ScalarType.Int16, "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte, "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"{path}: tensor '{tensor}' has dtype {name}, which is not supported"),
    };
}
