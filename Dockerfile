# The app image: gunicorn serving Django, static files by whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 truyvet
USER truyvet

EXPOSE 8000
CMD ["gunicorn", "-c", "python:truyvet.gunicorn", "truyvet.wsgi"]
