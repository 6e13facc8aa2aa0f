# Reference values for LogMelSpectrogramTest, computed independently of the Java code: numpy + librosa, following
# openai/whisper audio.py log_mel_spectrogram (torch.stft(center=True, pad_mode="reflect"), periodic Hann,
# magnitudes = |stft[..., :-1]|**2, mel_filters = librosa.filters.mel(sr=16000, n_fft=400, n_mels=80),
# log10(clamp(min=1e-10)), maximum(x, x.max() - 8), (x + 4) / 4) after pad_or_trim to frames * hop samples.
# Run: python3 -m venv /tmp/pil-venv && /tmp/pil-venv/bin/pip install numpy==2.4.6 librosa==0.11.0
#      /tmp/pil-venv/bin/python whisper_logmel_reference.py
import numpy as np
import librosa

SR, N_FFT, HOP, N_MELS, FRAMES = 16000, 400, 160, 80, 50

def log_mel(audio):
    audio = np.asarray(audio, dtype=np.float64)
    n = FRAMES * HOP
    audio = np.pad(audio, (0, max(0, n - audio.size)))[:n]                  # pad_or_trim
    padded = np.pad(audio, (N_FFT // 2, N_FFT // 2), mode="reflect")        # center=True, reflect
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)       # torch.hann_window (periodic)
    n_frames = 1 + (padded.size - N_FFT) // HOP                             # FRAMES + 1
    stft = np.stack([np.fft.rfft(padded[f * HOP:f * HOP + N_FFT] * window) for f in range(n_frames)], axis=1)
    magnitudes = np.abs(stft[:, :-1]) ** 2                                  # drop the last frame
    filters = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, htk=False, norm="slaney", dtype=np.float64)
    mel = filters @ magnitudes
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0

def signal(samples):
    # 440 Hz + 1000 Hz tones plus a quiet linear chirp 100 Hz -> 7900 Hz over 0.5 s, so that every mel band has
    # energy somewhere (pure tones alone leave most cells at the max - 8 floor)
    t = np.arange(samples) / SR
    chirp = np.sin(2 * np.pi * (100 * t + (7900 - 100) * t * t / (2 * 0.5)))
    return (0.5 * np.sin(2 * np.pi * 440 * t) + 0.25 * np.sin(2 * np.pi * 1000 * t) + 0.05 * chirp).astype(np.float32)

MELS = [0, 5, 11, 26, 40, 60, 79]
FRAMES_AT = [0, 1, 24, 25, 29, 30, 31, 49]
for name, x in [("0.5 s (8000 samples, no padding)", signal(8000)),
                ("0.3 s (4800 samples, zero-padded to 8000)", signal(4800))]:
    s = log_mel(x)
    print(name, s.shape, "min %.7f max %.7f mean %.7f" % (s.min(), s.max(), s.mean()))
    print("    rows mel", MELS, "columns frame", FRAMES_AT)
    for m in MELS:
        print("    {" + ", ".join("%.7ff" % s[m, f] for f in FRAMES_AT) + "},")

f = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, htk=False, norm="slaney", dtype=np.float64)
print("filters", f.shape, "sum %.10f" % f.sum())
for (m, b) in [(0, 1), (0, 2), (11, 11), (26, 25), (79, 160), (79, 199)]:
    print("    filter[%d][%d] = %.10e" % (m, b, f[m, b]))
for m in [40, 60]:
    nz = np.nonzero(f[m])[0]
    print("    filter[%d] nonzero bins %d..%d, peak filter[%d][%d] = %.10e" % (m, nz[0], nz[-1], m, f[m].argmax(), f[m].max()))
f128 = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=128, htk=False, norm="slaney", dtype=np.float64)
print("filters128 sum %.10f, peak filter[100][%d] = %.10e" % (f128.sum(), f128[100].argmax(), f128[100].max()))
