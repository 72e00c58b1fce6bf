using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using Star1.Pipeline.Hashing;

namespace Star1.Pipeline.Code;

/// <summary>
/// The content hash of one type of this repository (its nested types folded in: lambdas, iterators and
/// async state machines are nested types the compiler made), and the types and packages its code uses.
/// </summary>
/// <remarks>
/// The hash is taken over a normalised text of the type: its declaration, attributes, fields (with
/// constant values), properties and every method's signature and IL, where each metadata token in the IL
/// is replaced by the name of what it points to (a string literal by its text, a call by the method's
/// full signature). Tokens are row numbers that move when an unrelated type is added, names do not; so the
/// hash changes when the code changes and not otherwise. Comments and formatting never reach IL.
/// </remarks>
internal sealed record TypeDigest(string Hash, IReadOnlySet<Type> Types, IReadOnlySet<Assembly> Packages)
{
    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    static TypeDigest()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            var value = (ushort)op.Value;
            if (op.Size == 1) OneByte[value] = op;
            else TwoByte[value & 0xFF] = op;
        }
    }

    /// <summary>The outermost type a type is declared in (generic definitions, not instantiations).</summary>
    public static Type Outermost(Type type)
    {
        if (type.IsGenericType && !type.IsGenericTypeDefinition) type = type.GetGenericTypeDefinition();
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    public static TypeDigest Of(Type outermost)
    {
        var walker = Walk(outermost);
        return new TypeDigest(ContentHash.OfString(FileLocalNames.Stable(walker.Text.ToString())), walker.Types, walker.Packages);
    }

    /// <summary>The normalised text a type's hash is taken over (for tests that check what it can and cannot say).</summary>
    internal static string TextOf(Type outermost) => FileLocalNames.Stable(Walk(outermost).Text.ToString());

    private static Walker Walk(Type outermost)
    {
        var walker = new Walker();
        walker.Describe(outermost);
        walker.Types.Remove(outermost);
        return walker;
    }

    private sealed class Walker
    {
        public StringBuilder Text { get; } = new();
        public HashSet<Type> Types { get; } = [];
        public HashSet<Assembly> Packages { get; } = [];

        public void Describe(Type type)
        {
            Text.Append("type ").Append(type.FullName ?? type.Name).Append(' ').Append(type.Attributes)
                .Append(" : ").Append(Name(type.BaseType)).Append('\n');
            Note(type.BaseType);
            foreach (var face in type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal)) Text.Append("implements ").Append(face).Append('\n');
            foreach (var face in type.GetInterfaces()) Note(face);
            Attributes(type.GetCustomAttributesData);

            foreach (var field in type.GetFields(Declared).OrderBy(f => f.MetadataToken))
            {
                Text.Append("field ").Append(field.Attributes).Append(' ').Append(Name(field.FieldType)).Append(' ').Append(field.Name);
                if (field.IsLiteral) Text.Append(" = ").Append(Literal(field.GetRawConstantValue()));
                Text.Append('\n');
                Note(field.FieldType);
                Attributes(field.GetCustomAttributesData);
            }
            foreach (var property in type.GetProperties(Declared).OrderBy(p => p.MetadataToken))
            {
                Text.Append("property ").Append(Name(property.PropertyType)).Append(' ').Append(property.Name).Append('\n');
                Attributes(property.GetCustomAttributesData);
            }
            IEnumerable<MethodBase> methods = [.. type.GetConstructors(Declared), .. type.GetMethods(Declared)];
            foreach (var method in methods.OrderBy(m => m.MetadataToken)) Method(method);
            foreach (var nested in type.GetNestedTypes(Declared).OrderBy(t => t.MetadataToken)) Describe(nested);
        }

        private void Method(MethodBase method)
        {
            Text.Append("method ").Append(method.Attributes).Append(' ').Append(method).Append('\n');
            if (method is MethodInfo info) Note(info.ReturnType);
            Attributes(method.GetCustomAttributesData);
            foreach (var parameter in method.GetParameters())
            {
                Note(parameter.ParameterType);
                if (parameter.HasDefaultValue) Text.Append("default ").Append(parameter.Name).Append(" = ").Append(Literal(parameter.RawDefaultValue)).Append('\n');
                Attributes(parameter.GetCustomAttributesData);
            }
            var body = method.GetMethodBody();
            if (body is null) return; // abstract, extern, or an interface member
            foreach (var local in body.LocalVariables)
            {
                Text.Append("local ").Append(Name(local.LocalType)).Append('\n');
                Note(local.LocalType);
            }
            foreach (var clause in body.ExceptionHandlingClauses)
            {
                Text.Append("clause ").Append(clause.Flags).Append(' ').Append(clause.TryOffset).Append(' ').Append(clause.TryLength)
                    .Append(' ').Append(clause.HandlerOffset).Append(' ').Append(clause.HandlerLength);
                if (clause.Flags == ExceptionHandlingClauseOptions.Clause)
                {
                    Text.Append(' ').Append(Name(clause.CatchType));
                    Note(clause.CatchType);
                }
                if (clause.Flags == ExceptionHandlingClauseOptions.Filter) Text.Append(' ').Append(clause.FilterOffset);
                Text.Append('\n');
            }
            Il(method, body.GetILAsByteArray() ?? []);
        }

        /// <summary>The IL, one instruction a line, tokens replaced by the names they point to.</summary>
        private void Il(MethodBase method, byte[] il)
        {
            var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
            var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
            var i = 0;
            while (i < il.Length)
            {
                var op = il[i] == 0xFE && i + 1 < il.Length ? TwoByte[il[i + 1]] : OneByte[il[i]];
                if (op.Size == 0)
                {
                    // Not an opcode we know: keep the raw bytes, so a change still changes the hash.
                    Text.Append("raw ").Append(Convert.ToHexString(il, i, il.Length - i)).Append('\n');
                    return;
                }
                i += op.Size;
                Text.Append(op.Name);
                switch (op.OperandType)
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        Text.Append(' ').Append(il[i]);
                        i += 1;
                        break;
                    case OperandType.InlineVar:
                        Text.Append(' ').Append(BitConverter.ToUInt16(il, i));
                        i += 2;
                        break;
                    case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR:
                        Text.Append(' ').Append(BitConverter.ToInt32(il, i));
                        i += 4;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        Text.Append(' ').Append(BitConverter.ToInt64(il, i));
                        i += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var count = BitConverter.ToInt32(il, i);
                        i += 4;
                        for (var k = 0; k < count; k++, i += 4) Text.Append(' ').Append(BitConverter.ToInt32(il, i));
                        break;
                    case OperandType.InlineString:
                        var text = Resolve(BitConverter.ToInt32(il, i), token => method.Module.ResolveString(token));
                        Text.Append(' ').Append(Literal(text));
                        i += 4;
                        break;
                    case OperandType.InlineSig:
                        Text.Append(' ').Append(Resolve(BitConverter.ToInt32(il, i), token => Convert.ToHexString(method.Module.ResolveSignature(token))));
                        i += 4;
                        break;
                    default: // InlineMethod, InlineField, InlineType, InlineTok
                        Text.Append(' ').Append(Resolve(BitConverter.ToInt32(il, i), token => Member(method.Module.ResolveMember(token, typeArgs, methodArgs))));
                        i += 4;
                        break;
                }
                Text.Append('\n');
            }
        }

        /// <summary>
        /// A token's name. One that cannot be resolved (it points into an assembly that is not deployed, so
        /// that code cannot run) is kept as its raw number: stable for a given build, and never a false match.
        /// </summary>
        private static string Resolve(int token, Func<int, string> name)
        {
            try
            {
                return name(token);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException or MissingMemberException)
            {
                return $"unresolved 0x{token:x8} ({e.GetType().Name})";
            }
        }

        private string Member(MemberInfo? member)
        {
            switch (member)
            {
                case Type type:
                    Note(type);
                    return Name(type);
                case MethodBase method:
                    Note(method.DeclaringType);
                    if (method is MethodInfo { IsGenericMethod: true } generic)
                        foreach (var arg in generic.GetGenericArguments()) Note(arg);
                    return $"{Name(method.DeclaringType)}::{method}";
                case FieldInfo field:
                    Note(field.DeclaringType);
                    return $"{Name(field.DeclaringType)}::{field.Name} {Name(field.FieldType)}";
                default:
                    return member?.ToString() ?? "?";
            }
        }

        private void Attributes(Func<IList<CustomAttributeData>> read)
        {
            IList<CustomAttributeData> attributes;
            try
            {
                attributes = read();
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
            {
                // An attribute from an assembly that is not deployed: it cannot act, so its name is enough.
                Text.Append("attributes unreadable (").Append(e.GetType().Name).Append(")\n");
                return;
            }
            foreach (var a in attributes.Select(a => (Data: a, Text: AttributeText(a))).OrderBy(a => a.Text, StringComparer.Ordinal))
            {
                Text.Append("attribute ").Append(a.Text).Append('\n');
                Note(a.Data.AttributeType);
            }
        }

        /// <summary>
        /// A value as it enters the text: strings JSON-escaped, so that no string (a literal in IL, a constant, an
        /// attribute argument) can spell out lines of the text itself and make two different types read the same;
        /// other values with their type, so 1 and "1" and 1.0 differ too.
        /// </summary>
        private static string Literal(object? value) => value switch
        {
            null => "null",
            string text => System.Text.Json.JsonSerializer.Serialize(text, Quoting),
            char c => "char " + System.Text.Json.JsonSerializer.Serialize(c.ToString(), Quoting),
            System.Collections.ObjectModel.ReadOnlyCollection<CustomAttributeTypedArgument> items => "[" + string.Join(", ", items.Select(i => Argument(i))) + "]",
            IFormattable number => value.GetType().Name + " " + number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            Type type => "typeof " + (type.FullName ?? type.Name),
            _ => value.GetType().Name + " " + Literal(value.ToString()),
        };

        // Escapes what JSON must (quotes, backslashes, control characters), nothing more: the text stays readable.
        private static readonly System.Text.Json.JsonSerializerOptions Quoting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private static string Argument(CustomAttributeTypedArgument argument) => (argument.ArgumentType.FullName ?? argument.ArgumentType.Name) + " " + Literal(argument.Value);

        /// <summary>An attribute with its arguments through <see cref="Literal"/> (its own ToString leaves quotes in strings unescaped).</summary>
        private static string AttributeText(CustomAttributeData a) =>
            (a.AttributeType.FullName ?? a.AttributeType.Name) + "(" +
            string.Join(", ", a.ConstructorArguments.Select(Argument).Concat(a.NamedArguments.Select(n => n.MemberName + " = " + Argument(n.TypedValue)))) + ")";

        /// <summary>Remembers a type the code uses: a type of ours to walk next, or a package to hash.</summary>
        private void Note(Type? type)
        {
            if (type is null || type.IsGenericParameter) return;
            if (type.HasElementType)
            {
                Note(type.GetElementType());
                return;
            }
            if (type.IsGenericType && !type.IsGenericTypeDefinition)
            {
                Note(type.GetGenericTypeDefinition());
                foreach (var arg in type.GetGenericArguments()) Note(arg);
                return;
            }
            switch (CodeKinds.Of(type.Assembly))
            {
                case CodeKind.Project:
                    Types.Add(Outermost(type));
                    break;
                case CodeKind.Package:
                    Packages.Add(type.Assembly);
                    break;
            }
        }

        private static string Name(Type? type) => type?.ToString() ?? "-";
    }
}
