using Star1.Modeling.Training;

namespace Star1.Build.Tasks.Training;

/// <summary>The loss curve: loss per optimizer step on the left axis, the learning rate on the right one.</summary>
public static class LossPlot
{
    public static void Save(IReadOnlyList<StepMetrics> steps, string path, string title)
    {
        var plot = new ScottPlot.Plot();
        double[] x = [.. steps.Select(s => (double)s.Step)];
        var loss = plot.Add.Scatter(x, [.. steps.Select(s => s.Loss)]);
        loss.LegendText = "loss";
        var right = plot.Axes.AddRightAxis();
        right.LabelText = "learning rate";
        var lr = plot.Add.Scatter(x, [.. steps.Select(s => s.LearningRate)]);
        lr.LegendText = "learning rate";
        lr.Axes.YAxis = right;
        lr.LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title(title);
        plot.XLabel("optimizer step");
        plot.YLabel("loss (mean per trained token)");
        plot.ShowLegend();
        plot.Legend.Alignment = ScottPlot.Alignment.UpperRight;   // the loss ends low on the right: keep its tail visible
        plot.SavePng(path, 900, 500);
    }
}
