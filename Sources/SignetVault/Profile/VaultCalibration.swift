/// What `signet vault calibrate` measured, kept in the profile so anyone can see why its
/// parameters were chosen.
public struct VaultCalibration: Sendable, Codable, Equatable {
    /// One candidate (α, list size) and how it did on the measured subjects.
    public struct Candidate: Sendable, Codable, Equatable {
        /// Non-zero codeword entries.
        public var alpha: Int
        /// Codeword candidates per verification.
        public var listSize: Int
        /// Genuine attempts accepted, over genuine attempts.
        public var tar: Double
        /// Impostor attempts accepted.
        public var falseAccepts: Int
        /// Codeword search bits less log2 of the list size.
        public var bits: Double

        enum CodingKeys: String, CodingKey {
            case alpha, listSize = "list_size", tar, falseAccepts = "false_accepts", bits
        }
    }

    /// SHA-256 (hex) of the calibration file, so the figures can be reproduced.
    public var dataSHA256: String
    /// Subjects whose samples the mean was learned from.
    public var trainingSubjects: Int
    /// Other subjects of the same file, on whom the figures were measured.
    public var measuredSubjects: Int
    /// Samples averaged into each enrolled template.
    public var enrollSamples: Int
    /// Genuine attempts per candidate.
    public var genuineAttempts: Int
    /// Impostor attempts per candidate.
    public var impostorAttempts: Int
    /// The floor on ``Candidate/bits`` a candidate had to reach.
    public var minimumBits: Double
    /// The candidate the profile uses.
    public var chosen: Candidate
    /// Every candidate measured, in the order tried.
    public var candidates: [Candidate]

    enum CodingKeys: String, CodingKey {
        case dataSHA256 = "data_sha256", trainingSubjects = "training_subjects", measuredSubjects = "measured_subjects"
        case enrollSamples = "enroll_samples", genuineAttempts = "genuine_attempts", impostorAttempts = "impostor_attempts"
        case minimumBits = "minimum_bits", chosen, candidates
    }
}
