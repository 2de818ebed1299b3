extension Codeword {
    /// Decodes y to the nearest codeword: the α largest |y_i| with their signs, ties broken by the
    /// smaller index. A zero (including −0.0) decodes as positive.
    static func decode(_ y: UnsafeBufferPointer<Float>, alpha: Int) -> Codeword {
        let order = topIndices(y, count: alpha)
        return Codeword(dimension: y.count, indices: order, negative: order.map { y[$0] < 0 })
    }

    /// Indices of the `count` largest |y_i|, largest first (ties: smaller index first).
    static func topIndices(_ y: UnsafeBufferPointer<Float>, count: Int) -> [Int] {
        // Insertion into a small sorted buffer: O(n·count), fast for the α ≤ 64 used here.
        var best = [Int]()
        best.reserveCapacity(count + 1)
        var bestMagnitude = [Float]()
        bestMagnitude.reserveCapacity(count + 1)
        for i in 0..<y.count {
            let m = abs(y[i])
            if best.count == count, m <= bestMagnitude[count - 1] { continue }
            var position = best.count
            while position > 0, bestMagnitude[position - 1] < m { position -= 1 }
            best.insert(i, at: position)
            bestMagnitude.insert(m, at: position)
            if best.count > count {
                best.removeLast()
                bestMagnitude.removeLast()
            }
        }
        return best
    }

    /// The `listSize` codewords with the highest correlation ⟨y, c⟩, best first (list decoding).
    ///
    /// Candidates differ from the nearest codeword by support swaps; each keeps the sign of y at
    /// its positions. Each extra candidate costs the verifier one KDF evaluation and raises the
    /// chance of a false accept per attempt by at most a factor of `listSize`.
    static func decodeList(_ y: UnsafeBufferPointer<Float>, alpha: Int, listSize: Int) -> [Codeword] {
        if listSize <= 1 { return [decode(y, alpha: alpha)] }
        // Ranks of the alpha + listSize largest magnitudes are enough: a list of L candidates never
        // reaches further than rank alpha + L − 1.
        let depth = min(y.count, alpha + listSize)
        let ranked = topIndices(y, count: depth)
        let magnitude = ranked.map { Double(abs(y[$0])) }
        struct State { var ranks: [Int]; var score: Double }
        var frontier = [State(ranks: Array(0..<alpha), score: magnitude[0..<alpha].reduce(0, +))]
        var seen: Set<[Int]> = [frontier[0].ranks]
        var result = [Codeword]()
        while result.count < listSize, !frontier.isEmpty {
            // Best-first: moving one chosen rank to the next free rank never increases the score,
            // so popping the best frontier state enumerates supports in score order.
            var bestAt = 0
            for k in frontier.indices where frontier[k].score > frontier[bestAt].score { bestAt = k }
            let state = frontier.remove(at: bestAt)
            let support = state.ranks.map { ranked[$0] }
            result.append(Codeword(dimension: y.count, indices: support, negative: support.map { y[$0] < 0 }))
            let chosen = Set(state.ranks)
            for (k, r) in state.ranks.enumerated() where r + 1 < depth && !chosen.contains(r + 1) {
                var next = state.ranks
                next[k] = r + 1
                guard seen.insert(next).inserted else { continue }
                frontier.append(State(ranks: next, score: state.score - magnitude[r] + magnitude[r + 1]))
            }
        }
        return result
    }
}
