namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Turns texts into fixed-length sentence embeddings (funnel steps 5-6 compare them by cosine).
/// Implementations must return one vector per text, in order, all of the same length; the funnel
/// normalises them itself, so they need not be unit length.
/// </summary>
public interface ISentenceEmbedder
{
    float[][] Embed(IReadOnlyList<string> texts);
}
