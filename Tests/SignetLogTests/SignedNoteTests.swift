import Foundation
import Testing
@testable import SignetLog
import SignetCore

/// Known answers from golang.org/x/mod/sumdb/note (note_test.go / example_test.go).
enum GoNoteVector {
    static let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let note = text + "\n" + "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
}

struct SignedNoteTests {
    @Test func signingMatchesGoKnownAnswer() throws {
        let signer = try NoteSigner(skey: GoNoteVector.skey)
        #expect(try signer.sign(text: GoNoteVector.text) == GoNoteVector.note)
        #expect(signer.verifier.vkey == GoNoteVector.vkey)
        #expect(signer.skey == GoNoteVector.skey)
    }

    @Test func verifyingGoKnownAnswer() throws {
        let verifier = try NoteVerifier(vkey: GoNoteVector.vkey)
        let note = try SignedNote(parsing: GoNoteVector.note)
        try verifier.verify(note)
        #expect(note.text == GoNoteVector.text)
    }

    @Test func verifierKeyWithPlusInBase64() throws {
        // transparency-dev/formats test key whose base64 contains '+'.
        let verifier = try NoteVerifier(vkey: "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")
        #expect(verifier.name == "TEST")
    }

    @Test func tamperedTextIsRejected() throws {
        let verifier = try NoteVerifier(vkey: GoNoteVector.vkey)
        let tampered = GoNoteVector.note.replacingOccurrences(of: "answer", with: "ANSWER")
        #expect(throws: LogError(.invalidCheckpoint, "")) { try verifier.verify(try SignedNote(parsing: tampered)) }
    }

    @Test(arguments: [
        "no blank line\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\n\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\n\n\u{2014} PeterNeumann not-base64!\n",
        "text\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        "\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\u{0007}\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
    ])
    func malformedNotesAreRejected(_ note: String) {
        #expect(throws: LogError.self) { try SignedNote(parsing: note) }
    }

    @Test(arguments: [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // wrong key ID
        "PeterNeumann+c74f20a3+ApC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",   // truncated key
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // space in name
        "PeterNeumann",
    ])
    func malformedVerifierKeysAreRejected(_ vkey: String) {
        #expect(throws: LogError.self) { try NoteVerifier(vkey: vkey) }
    }

    @Test func checkpointRoundTripsAndChecksOrigin() throws {
        let signer = try NoteSigner(generatingFor: "signet.example/log")
        let checkpoint = Checkpoint(origin: "signet.example/log", size: 42, root: RFC6962.emptyRoot)
        let signed = try signer.sign(checkpoint)
        let verified = try VerifiedCheckpoint(note: signed.note, verifier: signer.verifier)
        #expect(verified.checkpoint == checkpoint)
        #expect(throws: LogError.self) { try signer.sign(Checkpoint(origin: "other.example/log", size: 1, root: RFC6962.emptyRoot)) }
        let other = try NoteSigner(generatingFor: "signet.example/log")
        #expect(throws: LogError.self) { try VerifiedCheckpoint(note: signed.note, verifier: other.verifier) }
    }

    @Test(arguments: [
        "origin\n007\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "origin\n7\nnot-a-hash\n",
        "origin\n7\n",
        "\n7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "origin\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "origin\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
    ])
    func malformedCheckpointTextIsRejected(_ text: String) {
        #expect(throws: LogError.self) { try Checkpoint(parsingText: text) }
    }
}
