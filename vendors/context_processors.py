from .models import Audience, DistrictProfile


def district(request):
    """What the header and footer of every page show: the district and the audience pages."""
    return {
        "district": DistrictProfile.load(),
        "nav_audiences": Audience.objects.only("slug", "title"),
    }
