namespace BadgeFlow.Local;

/// <summary>A minimal hot <see cref="IObservable{T}"/>: every subscriber sees what is published after it subscribed.
/// A subscriber that throws is unsubscribed rather than allowed to break the publisher.</summary>
public sealed class Broadcast<T> : IObservable<T>
{
    private readonly Lock _gate = new();
    private IObserver<T>[] _observers = [];

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    internal void Publish(T value)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            try
            {
                observer.OnNext(value);
            }
#pragma warning disable CA1031 // A faulty subscriber (e.g. a console view) must not fail the service publishing.
            catch (Exception)
#pragma warning restore CA1031
            {
                Remove(observer);
            }
        }
    }

    internal void Complete()
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            observer.OnCompleted();
        }
    }

    private void Remove(IObserver<T> observer)
    {
        lock (_gate)
        {
            _observers = [.. _observers.Where(o => !ReferenceEquals(o, observer))];
        }
    }

    private sealed class Subscription(Broadcast<T> owner, IObserver<T> observer) : IDisposable
    {
        public void Dispose() => owner.Remove(observer);
    }
}

/// <summary><c>observable.Subscribe(x => …)</c> without Rx.</summary>
public static class ObservableExtensions
{
    public static IDisposable Subscribe<T>(this IObservable<T> observable, Action<T> onNext)
    {
        ArgumentNullException.ThrowIfNull(observable);
        return observable.Subscribe(new ActionObserver<T>(onNext));
    }

    private sealed class ActionObserver<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(T value) => onNext(value);
    }
}
