package org.lwip4j.stack;

/**
 * A one-shot or periodic timer on a stack's {@link Timers} (lwIP's {@code sys_timeout}).
 * A timer object is made once and re-armed as often as needed, so arming allocates
 * nothing. Used on the stack's event loop only. A task that throws does not disarm a
 * periodic timer nor stop the other timers ({@link Timers} counts and logs it).
 */
public final class Timer {
    final Timers owner;
    final Runnable task;
    long due;
    long period;
    int index = -1;

    Timer(Timers owner, Runnable task) {
        this.owner = owner;
        this.task = task;
    }

    /** Arms (or re-arms) the timer to fire once, {@code delayNanos} from now. */
    public void schedule(long delayNanos) {
        period = 0;
        owner.arm(this, owner.now() + Math.max(0, delayNanos));
    }

    /** Arms the timer to fire every {@code periodNanos}, first one period from now. */
    public void schedulePeriodic(long periodNanos) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive: " + periodNanos);
        }
        period = periodNanos;
        owner.arm(this, owner.now() + periodNanos);
    }

    /** Disarms the timer; harmless when it is not armed. */
    public void cancel() {
        owner.disarm(this);
    }

    /** True while armed. */
    public boolean isScheduled() {
        return index >= 0;
    }

    /** When the timer fires next (clock nanoseconds); meaningful only while armed. */
    public long dueAt() {
        return due;
    }

    /** The period of a periodic timer, or 0. */
    public long period() {
        return period;
    }
}
