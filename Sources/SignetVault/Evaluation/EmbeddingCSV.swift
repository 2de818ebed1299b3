import SignetCore

/// Parser for `subject,sample,f0..fN` embedding files.
public enum EmbeddingCSV {
    /// Parses CSV text. The first line is a header if its third field is not a number.
    ///
    /// Samples of one subject need not be contiguous; subjects keep the order of first appearance.
    /// - Parameter text: The file contents.
    /// - Returns: The dataset.
    /// - Throws: ``VaultError`` `malformedData` naming the line and column for unparsable fields
    ///   and ragged rows, `nonFiniteValue` for NaN/Inf (with line and column), `insufficientSamples`
    ///   for a subject with fewer than two samples. Messages never contain the values themselves.
    public static func parse(_ text: String) throws -> EmbeddingDataset {
        var order: [String] = []
        var samples: [String: [[Float]]] = [:]
        var width: Int?
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.last == "\r" ? rawLine.dropLast() : rawLine[...]
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if lineNumber == 1, fields.count >= 3, Float(fields[2].trimmingSpaces) == nil, !fields[2].trimmingSpaces.lowercased().hasPrefix("nan"),
               !fields[2].trimmingSpaces.lowercased().hasSuffix("inf") {
                continue  // header
            }
            guard fields.count >= 3 else {
                throw VaultError(.malformedData, "line \(lineNumber): expected subject,sample,f0..fN (at least 3 columns), found \(fields.count)")
            }
            if let w = width, fields.count != w {
                throw VaultError(.malformedData, "line \(lineNumber): ragged row with \(fields.count) columns, expected \(w)")
            }
            width = fields.count
            let subject = String(fields[0].trimmingSpaces)
            guard !subject.isEmpty else { throw VaultError(.malformedData, "line \(lineNumber), column 1: empty subject") }
            var vector = [Float](repeating: 0, count: fields.count - 2)
            for k in 2..<fields.count {
                guard let v = Float(fields[k].trimmingSpaces) else {
                    throw VaultError(.malformedData, "line \(lineNumber), column \(k + 1): not a number")
                }
                guard v.isFinite else {
                    throw VaultError(.nonFiniteValue, "line \(lineNumber), column \(k + 1): value is not finite")
                }
                vector[k - 2] = v
            }
            if samples[subject] == nil { order.append(subject) }
            samples[subject, default: []].append(vector)
        }
        guard !order.isEmpty else { throw VaultError(.malformedData, "no data rows") }
        return try EmbeddingDataset(subjects: order.map { EmbeddingDataset.Subject(label: $0, samples: samples[$0] ?? []) })
    }

    /// Parses a mean file: one line (or one value per line) of comma/whitespace-separated numbers.
    /// - Parameter text: The file contents.
    /// - Returns: The values.
    /// - Throws: ``VaultError`` `malformedData` or `nonFiniteValue` naming the value's position.
    public static func parseVector(_ text: String) throws -> [Float] {
        var out: [Float] = []
        for (k, token) in text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " || $0 == "\t" || $0 == "\r" }).enumerated() {
            guard let v = Float(token) else { throw VaultError(.malformedData, "value \(k + 1): not a number") }
            guard v.isFinite else { throw VaultError(.nonFiniteValue, "value \(k + 1): not finite") }
            out.append(v)
        }
        guard !out.isEmpty else { throw VaultError(.malformedData, "mean file is empty") }
        return out
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
