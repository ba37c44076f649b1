# The app image: gunicorn serving Django (truyvet/gunicorn.py), static files by whitenoise,
# compressed and with hashed names, collected at build time. docker-compose.yml runs it.
FROM python:3.11-slim

# DEBUG=0: every command in the container (manage.py included) runs as production.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBUG=0
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 --home-dir /app truyvet
USER truyvet

EXPOSE 8000
# gunicorn stops gracefully on SIGTERM (docker stop), reloads its workers on SIGHUP.
CMD ["gunicorn", "-c", "python:truyvet.gunicorn", "truyvet.wsgi"]
