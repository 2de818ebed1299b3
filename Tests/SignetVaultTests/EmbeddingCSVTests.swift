import Testing
@testable import SignetVault
import SignetCore

struct EmbeddingCSVTests {
    @Test(arguments: ["\n", "\r\n"])
    func parsesHeaderAndRowsWithEitherLineEnding(eol: String) throws {
        let text = ["subject,sample,f0,f1", "a,1,0.5,1", "a,2,0.25,-1", "b,1,1,2", "b,2,3,4e-2", ""].joined(separator: eol)
        let data = try EmbeddingCSV.parse(text)
        #expect(data.dimension == 2)
        #expect(data.subjects.map(\.label) == ["a", "b"])
        #expect(data.subjects[1].samples[1] == [3, 0.04])
    }

    @Test func parsesWithoutHeader() throws {
        let data = try EmbeddingCSV.parse("x,1,1,2,3\nx,2,1,2,4\ny,1,0,0,1\ny,2,0,1,0\n")
        #expect(data.subjects.count == 2 && data.dimension == 3)
    }

    @Test(arguments: [
        ("s,1,0.5,abc\ns,2,1,1\n", VaultErrorCode.malformedData, "line 1, column 4"),
        ("h,s,f0,f1\ns,1,0.5,1\ns,2,1\n", .malformedData, "line 3"),
        ("s,1,0.5,1\ns,2,nan,1\n", .nonFiniteValue, "line 2, column 3"),
        ("s,1,0.5,1\ns,2,1,inf\n", .nonFiniteValue, "line 2, column 4"),
        ("s,1,0.5,1\ns,2,1,1\nt,1,1,1\n", .insufficientSamples, "subject t"),
        ("s,1\n", .malformedData, "line 1"),
        ("", .malformedData, "no data"),
        (",1,1,1\n", .malformedData, "line 1, column 1"),
    ])
    func reportsLineAndColumnWithoutEchoingValues(text: String, code: VaultErrorCode, fragment: String) {
        do {
            _ = try EmbeddingCSV.parse(text)
            Issue.record("expected \(code)")
        } catch let error as VaultError {
            #expect(error.code == code)
            #expect(error.reason.contains(fragment))
            #expect(!error.reason.contains("0.5") && !error.reason.contains("abc"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parsesAMeanVector() throws {
        #expect(try EmbeddingCSV.parseVector("1, 2.5,-3\n") == [1, 2.5, -3])
        #expect(throws: VaultError(.malformedData, "")) { try EmbeddingCSV.parseVector("1,x") }
        #expect(throws: VaultError(.nonFiniteValue, "")) { try EmbeddingCSV.parseVector("1,nan") }
    }

    @Test func splitKeepsTheFirstSubjectsForTraining() throws {
        let data = try EmbeddingCSV.parse("a,1,1,0\na,2,1,1\nb,1,0,1\nb,2,1,1\nc,1,2,1\nc,2,1,2\n")
        let (training, evaluation) = try data.split(trainingSubjects: 1)
        #expect(training.map(\.label) == ["a"])
        #expect(evaluation.subjects.map(\.label) == ["b", "c"])
        #expect(throws: VaultError(.invalidParameter, "")) { try data.split(trainingSubjects: 2) }
    }
}
