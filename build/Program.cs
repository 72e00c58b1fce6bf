using Star1.Build;
using Star1.Host;

// The STAR1 build graph: ./build.sh --target <Task>. Tasks live in build/Tasks, one class per paper step.
return await BuildHost.RunAsync(args, typeof(BuildContext).Assembly, (cake, engine, options) => new BuildContext(cake, engine, options));
