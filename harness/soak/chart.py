"""The fd/RSS chart of a soak run as a PNG (matplotlib, Agg: no display needed)."""


def draw(samples, path, title, warmup_end_s, steady_end_s):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = [sample[0] for sample in samples]
    figure, (fds, rss) = plt.subplots(2, 1, sharex=True, figsize=(10, 6))
    fds.plot(times, [sample[1] for sample in samples], label="proxy fds")
    fds.plot(times, [sample[3] for sample in samples], label="open sessions", linestyle="--")
    fds.set_ylabel("count")
    fds.legend(loc="upper left")
    rss.plot(times, [sample[2] / 1024 for sample in samples], color="tab:red", label="proxy RSS")
    rss.set_ylabel("MiB")
    rss.set_xlabel("seconds since the proxy started")
    rss.legend(loc="upper left")
    for axis in (fds, rss):
        axis.axvspan(warmup_end_s, steady_end_s, color="tab:green", alpha=0.08)
        axis.grid(alpha=0.3)
    fds.set_title(f"{title} (shaded: the steady window checked for growth)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
