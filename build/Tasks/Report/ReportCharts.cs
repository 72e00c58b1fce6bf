using System.Globalization;

namespace Star1.Build.Tasks.Report;

/// <summary>One labelled bar: what it counts and how many (or what percent); a reference bar (the paper's) is grey.</summary>
public sealed record ChartBar(string Label, double Value, bool Reference = false);

/// <summary>
/// The report's bar charts, drawn with ScottPlot (no display needed: it renders with SkiaSharp into a file).
/// Every bar carries its value as a label, so a chart can be read without hovering or guessing from the grid.
/// </summary>
public static class ReportCharts
{
    private const int Width = 900;
    private const int Height = 500;

    /// <summary>
    /// Vertical bars, one per label, left to right in the given order. A chart with nothing to show still writes
    /// a PNG (the title says why), since every chart is a declared output and must exist after a run.
    /// </summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<ChartBar> bars, string valueFormat = "0")
    {
        var plot = new ScottPlot.Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        if (bars.Count > 0)
        {
            var items = bars.Select((b, i) => new ScottPlot.Bar
            {
                Position = i,
                Value = b.Value,
                Label = b.Value.ToString(valueFormat, CultureInfo.InvariantCulture),
                FillColor = b.Reference ? ScottPlot.Colors.DarkGray : ScottPlot.Colors.SteelBlue,
            }).ToList();
            var plotted = plot.Add.Bars(items);
            plotted.ValueLabelStyle.FontSize = 12;
            plot.Axes.Bottom.SetTicks([.. bars.Select((_, i) => (double)i)], [.. bars.Select(b => b.Label)]);
            // Long names (categories, funnel steps) would overlap side by side: slant them.
            if (bars.Max(b => b.Label.Length) > 10)
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
                plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.UpperRight;
                plot.Axes.Bottom.MinimumSize = 160;
                plot.Axes.Left.MinimumSize = 140;   // the first slanted label reaches left of the data area
            }
            plot.Axes.Margins(bottom: 0);
        }
        plot.SavePng(path, Width, Height);
    }

    /// <summary>How many items got each value: one bar per value in [min, max], zeros included.</summary>
    public static IReadOnlyList<ChartBar> Histogram(IEnumerable<int> values, int min, int max)
    {
        var counts = new int[max - min + 1];
        foreach (var v in values) counts[Math.Clamp(v, min, max) - min]++;
        return [.. counts.Select((c, i) => new ChartBar((min + i).ToString(CultureInfo.InvariantCulture), c))];
    }
}
